package dev.attune.bench;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.api.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JSON files the harnesses are given (datasets, labels, floors): read with errors that name the
 * option, the file and what is wrong in it, instead of a parser's stack trace or a
 * NullPointerException half-way through a run.
 */
public final class JsonFiles {
  private JsonFiles() {}

  /**
   * The file's JSON.
   *
   * @param option the command-line option that named the file, for the error
   * @throws IllegalArgumentException if it is not a readable file or not JSON
   */
  public static JsonNode read(String option, Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(option + ": " + file + " does not exist or is not a file");
    }
    try {
      return Json.MAPPER.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new IllegalArgumentException(
          option
              + ": "
              + file
              + " is not valid JSON: "
              + e.getOriginalMessage()
              + (at == null
                  ? ""
                  : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    }
  }

  /**
   * {@code node}'s field {@code name}, which must be present and not null.
   *
   * @param where what {@code node} is, for the error ("locomo10.json, conversation 3")
   * @throws IllegalArgumentException naming the field and where it is missing
   */
  public static JsonNode field(JsonNode node, String name, String where) {
    JsonNode value = node == null ? null : node.get(name);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException(where + ": missing field '" + name + "'");
    }
    return value;
  }

  /** Like {@link #field}, and the value must be a number. */
  public static double number(JsonNode node, String name, String where) {
    JsonNode value = field(node, name, where);
    if (!value.isNumber()) {
      throw new IllegalArgumentException(
          where + ": field '" + name + "' must be a number; got " + value);
    }
    return value.asDouble();
  }

  /** A key of a floor file's "recall_at_budget": a token budget, a whole number. */
  public static int budget(String key, String where) {
    try {
      return Integer.parseInt(key);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          where + ": the keys of 'recall_at_budget' are token budgets; got '" + key + "'");
    }
  }
}
