package dev.attune.models.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads the JSON object in a model's reply, repairing what local models commonly get wrong: prose
 * or Markdown fences around it, trailing commas, single quotes, unquoted names, comments.
 */
final class LenientJson {
  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
          .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
          .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
          .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
          .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
          .build();

  private LenientJson() {}

  /** The parsed object, or why there is none. */
  record Parsed(@Nullable JsonNode json, @Nullable String problem) {}

  static Parsed parse(@Nullable String reply) {
    if (reply == null || reply.isBlank()) {
      return new Parsed(null, "the reply was empty");
    }
    // The object is what lies between the first '{' and the last '}': fences and prose fall away.
    int start = reply.indexOf('{');
    int end = reply.lastIndexOf('}');
    if (start < 0 || end < start) {
      return new Parsed(null, "the reply holds no JSON object");
    }
    try {
      JsonNode node = MAPPER.readTree(reply.substring(start, end + 1));
      return node != null && node.isObject()
          ? new Parsed(node, null)
          : new Parsed(null, "the reply is not a JSON object");
    } catch (JsonProcessingException e) {
      return new Parsed(null, "the reply is not valid JSON: " + e.getOriginalMessage());
    }
  }

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static Optional<String> text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || !v.isTextual() || v.asText().isBlank()
        ? Optional.empty()
        : Optional.of(v.asText().strip());
  }
}
