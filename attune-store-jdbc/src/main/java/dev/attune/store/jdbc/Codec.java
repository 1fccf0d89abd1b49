package dev.attune.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.attune.core.model.Message;
import dev.attune.core.model.OrgProfile;
import dev.attune.core.model.SourceRef;
import dev.attune.core.model.UserProfile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Column encodings: times as epoch microseconds, vectors as float32 blobs, documents as JSON. */
final class Codec {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final TypeReference<List<SourceRef>> SOURCES = new TypeReference<>() {};
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<List<Message>> MESSAGES = new TypeReference<>() {};

  private Codec() {}

  static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  static @Nullable Long microsOrNull(@Nullable Instant t) {
    return t == null ? null : micros(t);
  }

  static Instant instant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  static byte @Nullable [] vector(float @Nullable [] v) {
    if (v == null) {
      return null;
    }
    ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(v);
    return buf.array();
  }

  static float @Nullable [] vector(byte @Nullable [] bytes) {
    if (bytes == null) {
      return null;
    }
    float[] v = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return v;
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  static UserProfile userProfile(String json) {
    return read(json, UserProfile.class);
  }

  static OrgProfile orgProfile(String json) {
    return read(json, OrgProfile.class);
  }

  static List<SourceRef> sources(String json) {
    try {
      return JSON.readValue(json, SOURCES);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored sources are not valid JSON", e);
    }
  }

  static List<String> strings(String json) {
    try {
      return JSON.readValue(json, STRINGS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored list is not valid JSON", e);
    }
  }

  static List<Message> messages(String json) {
    try {
      return JSON.readValue(json, MESSAGES);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored messages are not valid JSON", e);
    }
  }

  static com.fasterxml.jackson.databind.JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is not valid", e);
    }
  }

  static ObservationTables.OutcomeJson outcome(String json) {
    return read(json, ObservationTables.OutcomeJson.class);
  }

  private static <T> T read(String json, Class<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored " + type.getSimpleName() + " is not valid JSON", e);
    }
  }
}
