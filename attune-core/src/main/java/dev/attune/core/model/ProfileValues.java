package dev.attune.core.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Validation and JSON-merge-patch reading shared by user and org profiles. */
final class ProfileValues {
  private ProfileValues() {}

  static @Nullable String text(String field, @Nullable String value) {
    if (value == null) {
      return null;
    }
    String trimmed = value.strip();
    if (trimmed.isEmpty()) {
      return null;
    }
    if (trimmed.length() > Limits.MAX_PROFILE_VALUE_CHARS) {
      throw new InvalidRequestException(
          field, field + " is longer than " + Limits.MAX_PROFILE_VALUE_CHARS + " characters");
    }
    return trimmed;
  }

  static List<String> list(String field, @Nullable List<String> values) {
    if (values == null) {
      return List.of();
    }
    if (values.size() > Limits.MAX_PROFILE_ENTRIES) {
      throw new InvalidRequestException(
          field, field + " has more than " + Limits.MAX_PROFILE_ENTRIES + " entries");
    }
    List<String> out = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      String v = text(field + "[" + i + "]", values.get(i));
      if (v != null && !out.contains(v)) {
        out.add(v);
      }
    }
    return List.copyOf(out);
  }

  static Map<String, String> map(String field, @Nullable Map<String, String> values) {
    if (values == null) {
      return Map.of();
    }
    if (values.size() > Limits.MAX_PROFILE_ENTRIES) {
      throw new InvalidRequestException(
          field, field + " has more than " + Limits.MAX_PROFILE_ENTRIES + " entries");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : values.entrySet()) {
      String key = text(field, e.getKey());
      if (key == null) {
        throw new InvalidRequestException(field, field + " has an empty key");
      }
      if (key.length() > 200) {
        throw new InvalidRequestException(field, field + " has a key longer than 200 characters");
      }
      String v = text(field + "." + key, e.getValue());
      if (v != null) {
        out.put(key, v);
      }
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  static void checkKeys(Map<String, ?> patch, Set<String> known) {
    for (String key : patch.keySet()) {
      if (!known.contains(key)) {
        throw new InvalidRequestException(
            key, "unknown field '" + key + "'; known fields: " + String.join(", ", known));
      }
    }
  }

  /** A text field from a patch: absent keeps {@code current}, null clears. */
  static @Nullable String patchText(Map<String, ?> patch, String field, @Nullable String current) {
    if (!patch.containsKey(field)) {
      return current;
    }
    Object v = patch.get(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new InvalidRequestException(field, field + " must be a string or null");
    }
    return text(field, s);
  }

  /** A list field from a patch: absent keeps {@code current}, null clears, a list replaces. */
  static List<String> patchList(Map<String, ?> patch, String field, List<String> current) {
    if (!patch.containsKey(field)) {
      return current;
    }
    Object v = patch.get(field);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> items)) {
      throw new InvalidRequestException(field, field + " must be a list of strings or null");
    }
    List<String> strings = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      if (!(items.get(i) instanceof String s)) {
        throw new InvalidRequestException(
            field + "[" + i + "]", field + "[" + i + "] must be a string");
      }
      strings.add(s);
    }
    return list(field, strings);
  }

  /**
   * A map field from a patch, merged key by key as JSON merge patch (RFC 7386) says: a null value
   * removes its key, a null map clears.
   */
  static Map<String, String> patchMap(
      Map<String, ?> patch, String field, Map<String, String> current) {
    if (!patch.containsKey(field)) {
      return current;
    }
    Object v = patch.get(field);
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Map<?, ?> entries)) {
      throw new InvalidRequestException(field, field + " must be an object of strings or null");
    }
    Map<String, String> merged = new LinkedHashMap<>(current);
    for (Map.Entry<?, ?> e : entries.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (e.getValue() == null) {
        merged.remove(key);
      } else if (e.getValue() instanceof String s) {
        merged.put(key, s);
      } else {
        throw new InvalidRequestException(
            field + "." + key, field + "." + key + " must be a string or null");
      }
    }
    return map(field, merged);
  }
}
