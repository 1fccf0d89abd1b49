package dev.attune.core.internal;

import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.Store;
import dev.attune.core.port.UserWrite;

/**
 * The one way a user's data is written: the store's write, then the user's cached working set
 * brought up to date, together, so that no writer can forget the cache. A write the cached set can
 * take is applied to it in place; one that must be read back drops it (the next request reloads).
 * Callers hold the user's lock.
 */
public final class UserWriter {
  private final Store store;
  private final WorkingSets workingSets;

  public UserWriter(Store store, WorkingSets workingSets) {
    this.store = store;
    this.workingSets = workingSets;
  }

  /**
   * Writes and applies the write to the cached working set. When the store refuses the write (a
   * {@link dev.attune.core.model.ConflictException}), the cache is left as it was.
   */
  void write(TenantId tenant, UserId user, UserWrite write) {
    store.write(tenant, user, write);
    workingSets.applyIfCached(tenant, user, write);
  }

  /** Writes and drops the cached working set (for writes it cannot take in place: re-embedding). */
  void writeAndReload(TenantId tenant, UserId user, UserWrite write) {
    store.write(tenant, user, write);
    workingSets.invalidate(tenant, user);
  }

  /** Erases the user and drops their cached working set; false if there was nothing. */
  boolean forget(TenantId tenant, UserId user) {
    boolean existed = store.forget(tenant, user);
    workingSets.invalidate(tenant, user);
    return existed;
  }
}
