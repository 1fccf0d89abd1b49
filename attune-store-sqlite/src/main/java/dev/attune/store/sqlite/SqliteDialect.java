package dev.attune.store.sqlite;

import dev.attune.core.StoreException;
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
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** SQLite: one writer at a time, reads in autocommit, its result codes said plainly. */
final class SqliteDialect implements Dialect {
  private final Path file;
  private final int busyTimeoutMs;

  SqliteDialect(Path file, int busyTimeoutMs) {
    this.file = file;
    this.busyTimeoutMs = busyTimeoutMs;
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
   * WAL frames. Best effort: a concurrent reader can keep the WAL alive until the next checkpoint.
   */
  @Override
  public void afterDelete(Db db, boolean encrypted) {
    try {
      db.exclusive(
          "checkpoint",
          c -> {
            try (Statement st = c.createStatement()) {
              st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
              if (encrypted) {
                st.execute("PRAGMA keys.wal_checkpoint(TRUNCATE)");
              }
            }
            return null;
          });
    } catch (StoreException e) {
      // The deletion itself is committed; a later checkpoint will finish the job.
    }
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
