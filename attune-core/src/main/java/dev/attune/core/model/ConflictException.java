package dev.attune.core.model;

/** The request conflicts with the current state (editing a superseded memory, for example). */
public final class ConflictException extends AttuneException {
  public ConflictException(String message) {
    super(message);
  }
}
