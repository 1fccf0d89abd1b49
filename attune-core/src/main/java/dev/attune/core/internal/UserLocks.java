package dev.attune.core.internal;

import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One writer per user at a time in this process: a fixed set of locks, a user's chosen by hash, so
 * memory does not grow with the number of users. Across processes the store serializes a user's
 * writes (PostgreSQL: an advisory lock).
 */
public final class UserLocks {
  private static final int STRIPES = 64;
  private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

  public UserLocks() {
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new ReentrantLock();
    }
  }

  /** Runs {@code work} holding the user's lock. */
  public <T> T locked(TenantId tenant, UserId user, Supplier<T> work) {
    ReentrantLock lock = locks[Math.floorMod(Objects.hash(tenant, user), STRIPES)];
    lock.lock();
    try {
      return work.get();
    } finally {
      lock.unlock();
    }
  }
}
