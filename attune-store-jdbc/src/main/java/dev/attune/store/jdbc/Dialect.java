package dev.attune.store.jdbc;

import dev.attune.core.model.StoreException;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What differs between the databases a {@link JdbcStore} runs on. */
public interface Dialect {
  /**
   * Called first in every read and write. PostgreSQL sets the tenant for row-level security here
   * (null: a maintenance statement over every tenant).
   */
  void begin(Connection c, @Nullable TenantId tenant) throws SQLException;

  /** True when reads need a transaction of their own (settings local to a transaction). */
  boolean readsInTransaction();

  /** True when writes are serialized in-process (SQLite has one writer at a time). */
  boolean serializesWrites();

  /** The database's failure, said plainly: what failed, why, and whether to retry. */
  StoreException failure(String what, SQLException e);

  /**
   * First in every write for one user, inside its transaction: PostgreSQL serializes a user's
   * writes across processes here; SQLite has one writer at a time already.
   */
  void lockUser(Connection c, TenantId tenant, UserId user) throws SQLException;

  /**
   * Last in every write that changes what a user's context holds, inside its transaction:
   * PostgreSQL tells the other processes here, so they drop their cached working set.
   */
  void changed(Connection c, TenantId tenant, UserId user) throws SQLException;

  /**
   * Last in every write of a key, inside its transaction: PostgreSQL tells the other processes
   * here, so that a revoked key stops working on every node at once.
   */
  default void keyChanged(Connection c, String keyId) throws SQLException {}

  /**
   * After rows were deleted (retention, erasure), outside any transaction: SQLite moves its WAL
   * into the file here, so deleted text does not linger in old WAL frames.
   */
  void afterDelete(Db db);

  /** When the store closes, before its connections do: stops what the dialect runs itself. */
  default void close() {}

  /** SQL for the stored size in bytes of a text or binary column (SQL's octet_length here). */
  default String byteLength(String column) {
    return "octet_length(" + column + ")";
  }

  /**
   * The database's own check of its files (SQLite's integrity check; PostgreSQL's checksum
   * failures), as problems said plainly; empty when it found none.
   */
  List<String> integrityProblems(Connection c) throws SQLException;
}
