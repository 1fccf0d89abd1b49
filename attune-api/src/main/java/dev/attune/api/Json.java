package dev.attune.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.EnumFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.List;

/** The one JSON configuration: snake_case, lower-case enums, ISO-8601 times, strict input. */
public final class Json {
  /** Strict: unknown fields and wrong types are errors, never silently dropped or coerced. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .configure(EnumFeature.WRITE_ENUMS_TO_LOWERCASE, true)
          .enable(com.fasterxml.jackson.databind.MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .build();

  static {
    // "42" is not a number and 42 is not a string: no silent coercion between scalars.
    MAPPER
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    MAPPER
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    MAPPER
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    MAPPER
        .coercionConfigFor(LogicalType.Integer)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    MAPPER
        .coercionConfigFor(LogicalType.Integer)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    MAPPER
        .coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    MAPPER
        .coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    MAPPER
        .getFactory()
        .setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
  }

  private Json() {}

  /** Reads {@code json} as {@code type}, or throws an error that names the field (and line). */
  public static <T> T read(String json, Class<T> type, String source) {
    try {
      T value = MAPPER.readValue(json, type);
      if (value == null) {
        throw new JsonInputException(
            "malformed_json", "body", source + " must be a JSON object, not null");
      }
      return value;
    } catch (JsonProcessingException e) {
      throw describe(e, source);
    }
  }

  /** Reads a JSON object as a map (for JSON merge patch: null values are kept). */
  @SuppressWarnings("unchecked")
  public static java.util.Map<String, Object> readObject(String json, String source) {
    try {
      com.fasterxml.jackson.databind.JsonNode node = MAPPER.readTree(json);
      if (node == null || !node.isObject()) {
        throw new JsonInputException("malformed_json", "body", source + " must be a JSON object");
      }
      return MAPPER.convertValue(node, java.util.LinkedHashMap.class);
    } catch (JsonProcessingException e) {
      throw describe(e, source);
    }
  }

  public static String write(Object value) {
    return writing(value, MAPPER::writeValueAsString);
  }

  /** As {@link #write}, in UTF-8: what a response body needs, without a String in between. */
  public static byte[] writeBytes(Object value) {
    return writing(value, MAPPER::writeValueAsBytes);
  }

  public static String writePretty(Object value) {
    return writing(value, MAPPER.writerWithDefaultPrettyPrinter()::writeValueAsString);
  }

  private interface Writer<T> {
    T write(Object value) throws JsonProcessingException;
  }

  /** Our own values always serialize; a failure is a bug, not bad input. */
  private static <T> T writing(Object value, Writer<T> writer) {
    try {
      return writer.write(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
    }
  }

  /** A JSON error as a {@link JsonInputException} naming the field path and the line. */
  public static JsonInputException describe(JsonProcessingException e, String source) {
    // Syntax errors can arrive wrapped in a mapping error; report them as syntax errors.
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StreamReadException syntax) {
        e = syntax;
        break;
      }
    }
    String where =
        e.getLocation() != null && e.getLocation().getLineNr() > 0
            ? " (line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr()
                + ")"
            : "";
    if (e instanceof UnrecognizedPropertyException u) {
      String field = path(u.getPath());
      return new JsonInputException(
          "unknown_field", field, source + ": unknown field '" + field + "'" + where);
    }
    if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mi
        && !mi.getPath().isEmpty()
        && mi.getTargetType() != null) {
      String field = path(mi.getPath());
      return new JsonInputException(
          "wrong_type",
          field,
          source + ": " + field + " must be " + expected(mi.getTargetType()) + where);
    }
    if (!(e instanceof StreamReadException)
        && e instanceof JsonMappingException m
        && !m.getPath().isEmpty()) {
      String field = path(m.getPath());
      String problem = m.getOriginalMessage();
      int cut = problem.indexOf('\n');
      problem = cut > 0 ? problem.substring(0, cut) : problem;
      return new JsonInputException(
          "wrong_type",
          field,
          source
              + ": field '"
              + field
              + "' has the wrong type or value"
              + where
              + ": "
              + simplify(problem));
    }
    String problem = e.getOriginalMessage();
    int cut = problem.indexOf('\n');
    problem = cut > 0 ? problem.substring(0, cut) : problem;
    return new JsonInputException(
        "malformed_json", "body", source + " is not valid JSON" + where + ": " + simplify(problem));
  }

  private static String simplify(String problem) {
    // Jackson names Java types; the caller wrote JSON.
    return problem
        .replaceAll("`?java\\.lang\\.String`?", "string")
        .replaceAll("`?(java\\.lang\\.)?(Integer|int|Long|long)`?", "integer")
        .replaceAll("`?(java\\.lang\\.)?(Boolean|boolean)`?", "boolean")
        .replaceAll("`?java\\.util\\.(List|ArrayList)(<[^>]*>)?`?", "array")
        .replaceAll("`?dev\\.attune\\.[\\w.$]+`?", "object")
        .replaceAll("Cannot deserialize value of type ", "expected ");
  }

  private static String expected(Class<?> type) {
    if (type == String.class) {
      return "a string";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == Double.class || type == double.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    return "an object";
  }

  static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        if (!out.isEmpty()) {
          out.append('.');
        }
        out.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        out.append('[').append(r.getIndex()).append(']');
      }
    }
    return out.isEmpty() ? "body" : out.toString();
  }
}
