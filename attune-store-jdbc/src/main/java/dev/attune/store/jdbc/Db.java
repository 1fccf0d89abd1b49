package dev.attune.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.attune.core.model.StoreException;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The database plumbing the tables share: every read and write through the dialect's {@link
 * Dialect#begin} (PostgreSQL: the tenant for row-level security), writes in one transaction each
 * (serialized in-process where the database has one writer), failures turned into {@link
 * StoreException}s that say what happened.
 */
public final class Db {
  final HikariDataSource pool;
  private final Dialect dialect;
  private final ReentrantLock writeLock = new ReentrantLock();

  /** What differs by database. */
  Dialect dialect() {
    return dialect;
  }

  public Db(HikariDataSource pool, Dialect dialect) {
    this.pool = pool;
    this.dialect = dialect;
  }

  /** A statement run on a connection. */
  @FunctionalInterface
  public interface Sql<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code sql} for {@code tenant} (null: every tenant, for maintenance). */
  public <T> T read(@Nullable TenantId tenant, String what, Sql<T> sql) {
    if (dialect.readsInTransaction()) {
      return inTransaction(tenant, what, sql, false);
    }
    try (Connection c = pool.getConnection()) {
      dialect.begin(c, tenant);
      return sql.run(c);
    } catch (SQLException e) {
      throw dialect.failure(what, e);
    }
  }

  /** Runs {@code sql} in one transaction for {@code tenant}: all of it or none. */
  public <T> T transaction(@Nullable TenantId tenant, String what, Sql<T> sql) {
    return inTransaction(tenant, what, sql, dialect.serializesWrites());
  }

  /** Runs {@code sql} on a connection while no other write of this process runs. */
  public <T> T exclusive(String what, Sql<T> sql) {
    writeLock.lock();
    try (Connection c = pool.getConnection()) {
      return sql.run(c);
    } catch (SQLException e) {
      throw dialect.failure(what, e);
    } finally {
      writeLock.unlock();
    }
  }

  private <T> T inTransaction(@Nullable TenantId tenant, String what, Sql<T> sql, boolean lock) {
    if (lock) {
      writeLock.lock();
    }
    try (Connection c = pool.getConnection()) {
      boolean clean = false;
      try {
        c.setAutoCommit(false);
        dialect.begin(c, tenant);
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
      throw dialect.failure(what, e);
    } finally {
      if (lock) {
        writeLock.unlock();
      }
    }
  }

  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // Nothing to roll back (the transaction never began) or the connection is broken; either
      // way nothing was committed, and the connection is evicted.
    }
  }

  /** The innermost cause's message. */
  public static String rootMessage(Throwable e) {
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
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, v);
    }
  }

  /** Replaces the pooled connections as they are returned (in use ones finish first). */
  public void renewConnections() {
    pool.getHikariPoolMXBean().softEvictConnections();
  }

  public void close() {
    dialect.close();
    pool.close();
  }

  /** A write for one user must only carry that user's records. */
  static void checkOwner(UserId user, UserId owner) {
    if (!user.equals(owner)) {
      throw new IllegalArgumentException(
          "a write for user " + user + " carries a record of " + owner);
    }
  }
}
