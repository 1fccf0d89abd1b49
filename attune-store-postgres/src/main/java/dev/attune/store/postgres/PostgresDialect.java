package dev.attune.store.postgres;

import dev.attune.core.model.StoreException;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.store.jdbc.Db;
import dev.attune.store.jdbc.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * PostgreSQL: every statement in a transaction that first sets the tenant row-level security
 * filters by; concurrent writers left to the database (with a per-user advisory lock).
 */
final class PostgresDialect implements Dialect {
  // Serialization failures, deadlocks, lock timeouts, connection trouble: worth a retry.
  private static final Set<String> RETRYABLE = Set.of("40001", "40P01", "55P03", "57P01");

  private final String node;

  /**
   * @param node this process among the nodes sharing the database (its notifications say so)
   */
  PostgresDialect(String node) {
    this.node = node;
  }

  @Override
  public void begin(Connection c, @Nullable TenantId tenant) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT set_config('attune.tenant', ?, true), set_config('attune.all_tenants', ?,"
                + " true)")) {
      ps.setString(1, tenant == null ? "" : tenant.value());
      ps.setString(2, tenant == null ? "on" : "off");
      ps.execute();
    }
  }

  @Override
  public boolean readsInTransaction() {
    return true; // the tenant setting lives for one transaction
  }

  @Override
  public boolean serializesWrites() {
    return false;
  }

  @Override
  public StoreException failure(String what, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    boolean retryable = RETRYABLE.contains(state) || state.startsWith("08");
    String reason =
        state.startsWith("08")
            ? "the connection to PostgreSQL failed (" + Db.rootMessage(e) + "); nothing was written"
            : Db.rootMessage(e);
    return new StoreException(what + " failed: " + reason, retryable, e);
  }

  /** An advisory lock for the transaction: one writer per user across every node. */
  @Override
  public void lockUser(Connection c, TenantId tenant, UserId user) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))")) {
      ps.setString(1, tenant.value());
      ps.setString(2, user.value());
      ps.execute();
    }
  }

  /** Tells the other nodes (on commit) to drop their cached working set of the user. */
  @Override
  public void changed(Connection c, TenantId tenant, UserId user) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      ps.setString(1, ChangeListener.CHANNEL);
      ps.setString(2, ChangeListener.payload(node, tenant, user));
      ps.execute();
    }
  }

  /** Tells the other nodes (on commit) that a key changed: their caches drop it at once. */
  @Override
  public void keyChanged(Connection c, String keyId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      ps.setString(1, ChangeListener.KEY_CHANNEL);
      ps.setString(2, node + " " + keyId);
      ps.execute();
    }
  }

  @Override
  public void afterDelete(Db db) {
    // Deleted rows are PostgreSQL's to vacuum; its WAL is not ours to truncate.
  }

  /**
   * The pages PostgreSQL found corrupt in this database (data checksums, when the cluster has them
   * on); the checker's full reads of every table surface the rest as errors.
   */
  @Override
  public List<String> integrityProblems(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT coalesce(checksum_failures, 0) FROM pg_stat_database"
                    + " WHERE datname = current_database()");
        ResultSet rs = ps.executeQuery()) {
      long failures = rs.next() ? rs.getLong(1) : 0;
      return failures == 0
          ? List.of()
          : List.of(failures + " data checksum failures in this database (pg_stat_database)");
    }
  }
}
