package dev.attune.api;

/**
 * JSON that could not be read: not JSON at all, an unknown field, or a value of the wrong type.
 * {@link #field()} names the field path ({@code messages[2].content}) or {@code body}.
 */
public final class JsonInputException extends RuntimeException {
  private final String field;
  private final String code;

  public JsonInputException(String code, String field, String message) {
    super(message);
    this.code = code;
    this.field = field;
  }

  /** {@code malformed_json}, {@code unknown_field} or {@code wrong_type}. */
  public String code() {
    return code;
  }

  public String field() {
    return field;
  }
}
