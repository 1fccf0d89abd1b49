package dev.attune.core.model;

/**
 * The store could not complete an operation (locked, unwritable, unreachable). The operation was
 * rolled back: nothing of it was written.
 */
public final class StoreException extends AttuneException {
  private final boolean retryable;

  public StoreException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** True when trying again later may succeed (a lock held by another writer, for example). */
  public boolean retryable() {
    return retryable;
  }
}
