package dev.attune.core.model;

/** The named item does not exist for this tenant and user (or belongs to someone else). */
public final class NotFoundException extends AttuneException {
  public NotFoundException(String message) {
    super(message);
  }
}
