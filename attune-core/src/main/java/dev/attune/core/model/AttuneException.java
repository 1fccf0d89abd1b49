package dev.attune.core.model;

/** Base of every exception Attune throws on purpose; its message says what was wrong. */
public class AttuneException extends RuntimeException {
  public AttuneException(String message) {
    super(message);
  }

  public AttuneException(String message, Throwable cause) {
    super(message, cause);
  }
}
