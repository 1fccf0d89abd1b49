package dev.attune.client;

/** The server could not be reached, or did not answer in time. */
public final class AttuneConnectionException extends RuntimeException {
  public AttuneConnectionException(String message, Throwable cause) {
    super(message, cause);
  }
}
