package dev.attune.store.sqlite;

import dev.attune.core.model.StoreException;
import dev.attune.store.jdbc.Db;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Truncates SQLite's WAL after a deletion, so erased text does not stay in old WAL frames, without
 * ever making a write wait for a reader. A {@code wal_checkpoint(TRUNCATE)} with a busy handler
 * holds the write lock until every reader of an older snapshot is done; here it runs with none: it
 * copies what it can and reports whether readers kept it from finishing, and then it is tried again
 * in the background (50 ms, doubling to 2 s) until it finishes.
 */
final class WalScrubber {
  private static final long FIRST_RETRY_MS = 50;
  private static final long LAST_RETRY_MS = 2_000;

  private final int busyTimeoutMs;
  private final AtomicLong requested = new AtomicLong();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicBoolean retrying = new AtomicBoolean();
  private final ScheduledExecutorService retries;

  /**
   * @param retries where the retries run (the store's housekeeping thread)
   */
  WalScrubber(int busyTimeoutMs, ScheduledExecutorService retries) {
    this.busyTimeoutMs = busyTimeoutMs;
    this.retries = retries;
  }

  /** Called after rows were deleted: truncates the WAL now if no reader holds it, else later. */
  void request(Db db) {
    requested.incrementAndGet();
    if (!attempt(db) && retrying.compareAndSet(false, true)) {
      schedule(db, FIRST_RETRY_MS);
    }
  }

  /** True when every deletion so far has had its WAL truncated. */
  boolean done() {
    return completed.get() >= requested.get();
  }

  private void schedule(Db db, long delayMs) {
    try {
      retries.schedule(
          () -> {
            if (attempt(db) && done()) {
              retrying.set(false);
              // A deletion that came while this attempt ran may have seen `retrying` still set.
              if (!done() && retrying.compareAndSet(false, true)) {
                schedule(db, FIRST_RETRY_MS);
              }
            } else {
              schedule(db, Math.min(delayMs * 2, LAST_RETRY_MS));
            }
          },
          delayMs,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      // The store is closing: SQLite checkpoints and removes the WAL when its last connection does.
    }
  }

  /** One checkpoint of every attached database that does not wait; true when it finished. */
  private boolean attempt(Db db) {
    long upTo = requested.get();
    try {
      boolean finished =
          db.exclusive(
              "checkpoint",
              c -> {
                try (Statement st = c.createStatement()) {
                  st.execute("PRAGMA busy_timeout = 0");
                  try (ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                    // One row: busy (1 when a reader kept it from finishing), WAL frames, copied.
                    return rs.next() && rs.getInt(1) == 0;
                  } finally {
                    st.execute("PRAGMA busy_timeout = " + busyTimeoutMs);
                  }
                }
              });
      if (finished) {
        completed.accumulateAndGet(upTo, Math::max);
      }
      return finished;
    } catch (StoreException e) {
      // The deletion itself is committed; the next attempt finishes the job.
      return false;
    }
  }
}
