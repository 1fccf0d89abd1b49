package dev.attune.core.model;

/**
 * A request or configuration value was rejected. Nothing was written. {@link #field()} names the
 * offending input in the snake_case used on the wire (for example {@code messages[3].content}).
 */
public final class InvalidRequestException extends AttuneException {
  private final String field;

  public InvalidRequestException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The offending field, as named on the wire and in the command line's input files. */
  public String field() {
    return field;
  }
}
