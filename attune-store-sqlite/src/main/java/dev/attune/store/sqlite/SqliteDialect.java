package dev.attune.store.sqlite;

import dev.attune.core.model.StoreException;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.store.jdbc.Db;
import dev.attune.store.jdbc.Dialect;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** SQLite: one writer at a time, reads in autocommit, its result codes said plainly. */
final class SqliteDialect implements Dialect {
  private final Path file;
  private final int busyTimeoutMs;
  private final ScheduledExecutorService housekeeping =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("attune-sqlite-housekeeping").daemon().factory());
  private final WalScrubber scrubber;

  SqliteDialect(Path file, int busyTimeoutMs) {
    this.file = file;
    this.busyTimeoutMs = busyTimeoutMs;
    this.scrubber = new WalScrubber(busyTimeoutMs, housekeeping);
  }

  /**
   * Gives SQLite's query planner statistics now and keeps them current as tables grow. Without them
   * it reads "tenant_id = ? AND user_id = ?" on a table keyed by (tenant_id, id) through the
   * primary key, every row of the tenant, instead of the user's index: an erasure deleting a user's
   * context records once took 60 ms at 50,000 records (a few hundredths of a millisecond with
   * statistics), holding the write lock that every request's audit entry waits for. {@code PRAGMA
   * optimize} analyzes only the tables that have none or have grown or shrunk much since, reading
   * at most {@value #ANALYSIS_LIMIT} rows of each index.
   */
  void keepStatistics(Db db) {
    updateStatistics(db);
    housekeeping.scheduleWithFixedDelay(
        () -> updateStatistics(db),
        STATISTICS_EVERY_SECONDS,
        STATISTICS_EVERY_SECONDS,
        TimeUnit.SECONDS);
  }

  private static final int ANALYSIS_LIMIT = 1_000;
  private static final long STATISTICS_EVERY_SECONDS = 60;

  static void updateStatistics(Db db) {
    try {
      boolean changed =
          db.exclusive(
              "update the query planner's statistics",
              c -> {
                try (Statement st = c.createStatement()) {
                  String before = statistics(st);
                  st.execute("PRAGMA analysis_limit = " + ANALYSIS_LIMIT);
                  // 0x10002: every table, not only those this connection has used.
                  st.execute("PRAGMA optimize = 0x10002");
                  return !before.equals(statistics(st));
                }
              });
      if (changed) {
        // A connection reads the statistics when it opens (ANALYZE does not make the others
        // reload them): the pooled ones are replaced as they come back.
        db.renewConnections();
      }
    } catch (StoreException e) {
      // Statistics only steer the planner; the next round tries again.
    }
  }

  private static String statistics(Statement st) throws SQLException {
    try (ResultSet rs =
        st.executeQuery(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1' AND type = 'table'")) {
      if (!rs.next() || rs.getInt(1) == 0) {
        return "";
      }
    }
    try (ResultSet rs =
        st.executeQuery(
            "SELECT group_concat(tbl || ' ' || coalesce(idx, '') || ' ' || stat, ';')"
                + " FROM sqlite_stat1")) {
      return rs.next() && rs.getString(1) != null ? rs.getString(1) : "";
    }
  }

  @Override
  public void begin(Connection c, @Nullable TenantId tenant) {
    // One process, one file: every statement filters by tenant itself.
  }

  @Override
  public boolean readsInTransaction() {
    return false;
  }

  @Override
  public boolean serializesWrites() {
    return true;
  }

  @Override
  public StoreException failure(String what, SQLException e) {
    String reason;
    boolean retryable = false;
    if (isBusy(e)) {
      reason =
          "the database is locked by another writer and stayed locked for "
              + busyTimeoutMs
              + " ms; nothing was written";
      retryable = true;
    } else if (code(e) == SQLiteErrorCode.SQLITE_READONLY) {
      reason =
          "the database is read-only (check the permissions of " + file + "); nothing was written";
    } else if (code(e) == SQLiteErrorCode.SQLITE_FULL) {
      reason = "the disk is full; nothing was written";
    } else if (code(e) == SQLiteErrorCode.SQLITE_CANTOPEN) {
      reason = "cannot open " + file;
    } else {
      reason = Db.rootMessage(e);
    }
    return new StoreException(what + " failed: " + reason, retryable, e);
  }

  static boolean isBusy(Throwable e) {
    SQLiteErrorCode code = code(e);
    return code != null
        && (code.name().startsWith("SQLITE_BUSY") || code.name().startsWith("SQLITE_LOCKED"));
  }

  private static @Nullable SQLiteErrorCode code(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLiteException s) {
        return s.getResultCode();
      }
    }
    return null;
  }

  @Override
  public void lockUser(Connection c, TenantId tenant, UserId user) {
    // One writer at a time already: every write takes the database's write lock.
  }

  @Override
  public void changed(Connection c, TenantId tenant, UserId user) {
    // One process per SQLite file: nobody else caches this user.
  }

  /**
   * Moves the WAL into the database file and truncates it, so deleted text does not linger in old
   * WAL frames. Never waits for readers: a checkpoint that waits holds SQLite's write lock (and
   * ours) until every reader of an older snapshot (a long export) finishes, and every write queues
   * behind it. So the checkpoint is tried at once without a busy handler, and while readers keep
   * the WAL alive it is retried in the background until it completes.
   */
  @Override
  public void afterDelete(Db db) {
    // Unqualified, the checkpoint covers every attached database: the keys file too.
    scrubber.request(db);
  }

  @Override
  public void close() {
    housekeeping.shutdownNow();
    try {
      // Let a checkpoint or analysis in progress finish before the connections close.
      housekeeping.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** True when the WAL has been moved into the file and truncated since the last deletion. */
  boolean walScrubbed() {
    return scrubber.done();
  }

  @Override
  public String byteLength(String column) {
    // length() of TEXT counts characters; of a BLOB, bytes.
    return "length(CAST(" + column + " AS BLOB))";
  }

  /** {@code PRAGMA integrity_check} of every attached database (the data and, apart, its keys). */
  @Override
  public List<String> integrityProblems(Connection c) throws SQLException {
    List<String> schemas = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA database_list")) {
      while (rs.next()) {
        if (!rs.getString("name").equals("temp")) {
          schemas.add(rs.getString("name"));
        }
      }
    }
    List<String> problems = new ArrayList<>();
    for (String schema : schemas) {
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("PRAGMA \"" + schema + "\".integrity_check")) {
        while (rs.next()) {
          if (!rs.getString(1).equals("ok")) {
            problems.add(schema + ": " + rs.getString(1));
          }
        }
      }
    }
    return problems;
  }
}
