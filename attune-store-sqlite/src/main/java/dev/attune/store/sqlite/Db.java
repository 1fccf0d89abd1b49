package dev.attune.store.sqlite;

import com.zaxxer.hikari.HikariDataSource;
import dev.attune.core.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The database plumbing the tables share: reads on the pool, writes serialized in one {@code BEGIN
 * IMMEDIATE} transaction each, and SQLite's failures turned into {@link StoreException}s that say
 * what happened.
 */
final class Db {
  private final Path file;
  private final int busyTimeoutMs;
  final HikariDataSource pool;
  final ReentrantLock writeLock = new ReentrantLock();

  Db(Path file, int busyTimeoutMs, HikariDataSource pool) {
    this.file = file;
    this.busyTimeoutMs = busyTimeoutMs;
    this.pool = pool;
  }

  Path file() {
    return file;
  }

  @FunctionalInterface
  interface Sql<T> {
    T run(Connection c) throws SQLException;
  }

  <T> T read(String what, Sql<T> sql) {
    try (Connection c = pool.getConnection()) {
      return sql.run(c);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  <T> T transaction(String what, Sql<T> sql) {
    writeLock.lock();
    try (Connection c = pool.getConnection()) {
      boolean clean = false;
      try {
        c.setAutoCommit(false);
        T result = sql.run(c);
        c.commit();
        clean = true;
        return result;
      } catch (SQLException | RuntimeException e) {
        rollback(c);
        throw e;
      } finally {
        if (clean) {
          c.setAutoCommit(true);
        } else {
          // A failed BEGIN or COMMIT leaves the connection's state uncertain: retire it.
          pool.evictConnection(c);
        }
      }
    } catch (SQLException e) {
      throw failure(what, e);
    } finally {
      writeLock.unlock();
    }
  }

  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // Nothing to roll back (the transaction never began) or the connection is broken; either
      // way SQLite has not committed anything, and the connection is evicted.
    }
  }

  private StoreException failure(String what, SQLException e) {
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
      reason = rootMessage(e);
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

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }

  static @Nullable Long nullableLong(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  static void setLong(PreparedStatement ps, int i, @Nullable Long v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.INTEGER);
    } else {
      ps.setLong(i, v);
    }
  }
}
