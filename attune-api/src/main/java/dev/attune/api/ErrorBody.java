package dev.attune.api;

import org.jspecify.annotations.Nullable;

/** Every error response: {@code {"error": {"code", "message", "field"?}}}. */
public record ErrorBody(Detail error) {
  /**
   * @param code machine-readable, e.g. {@code invalid_value}, {@code not_found}
   * @param message for people; says what was wrong
   * @param field the offending field, when one is to blame
   */
  public record Detail(String code, String message, @Nullable String field) {}

  public static ErrorBody of(String code, String message, @Nullable String field) {
    return new ErrorBody(new Detail(code, message, field));
  }
}
