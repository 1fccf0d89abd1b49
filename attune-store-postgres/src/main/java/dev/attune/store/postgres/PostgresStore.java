package dev.attune.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.attune.core.model.StoreException;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.store.jdbc.Db;
import dev.attune.store.jdbc.Encryption;
import dev.attune.store.jdbc.JdbcStore;
import dev.attune.store.jdbc.MasterKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jspecify.annotations.Nullable;

/**
 * The store for several Attune nodes: PostgreSQL through a HikariCP pool, schema migrated by
 * Flyway, row-level security by tenant on every table (see {@code db/postgres/V1__schema.sql}).
 *
 * <p>Nodes share it safely: a user's writes are serialized across processes by an advisory lock;
 * every write notifies the other nodes ({@code LISTEN/NOTIFY}), which drop that user's cached
 * working set at once; the observation queue's leases make each observation processed by one node.
 *
 * <p>It refuses to run as a role that row-level security does not bind (a superuser, or one with
 * BYPASSRLS): connect as a dedicated role; docs/scaling.md says how.
 */
public final class PostgresStore extends JdbcStore {
  private final String url;
  private final ChangeListener changes;

  private PostgresStore(
      Db db, String url, String node, Properties credentials, @Nullable Encryption encryption) {
    super(db, encryption);
    this.url = url;
    this.changes = new ChangeListener(url, credentials, node);
    if (encryption != null) {
      // A user erased through another node: their data key is gone, drop it here too.
      changes.add(encryption::forget, encryption::forgetAll);
    }
    changes.start();
  }

  /**
   * Opens the store at a {@code jdbc:postgresql://} URL (credentials in the URL's {@code user} and
   * {@code password} parameters, or the PGUSER / PGPASSWORD environment variables), migrating the
   * schema as needed.
   *
   * @throws StoreException when the database cannot be reached, or the role bypasses row-level
   *     security
   */
  public static PostgresStore open(String url) {
    return open(url, (MasterKey) null);
  }

  /**
   * Opens the store with users' text encrypted at rest under {@code master} (null: plaintext).
   *
   * @see #open(String)
   */
  public static PostgresStore open(String url, @Nullable MasterKey master) {
    Properties credentials = new Properties();
    String user = System.getenv("PGUSER");
    String password = System.getenv("PGPASSWORD");
    if (user != null && !url.contains("user=")) {
      credentials.setProperty("user", user);
    }
    if (password != null && !url.contains("password=")) {
      credentials.setProperty("password", password);
    }
    return open(url, credentials, master);
  }

  /** Opens the store with explicit credentials ({@code user}, {@code password}). */
  public static PostgresStore open(String url, Properties credentials, @Nullable MasterKey master) {
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new StoreException(
          "not a PostgreSQL URL: expected jdbc:postgresql://host:port/database", false, null);
    }
    try (Connection probe = DriverManager.getConnection(url, credentials);
        PreparedStatement ps =
            probe.prepareStatement(
                "SELECT rolsuper OR rolbypassrls, current_user FROM pg_roles"
                    + " WHERE rolname = current_user");
        ResultSet rs = ps.executeQuery()) {
      if (rs.next() && rs.getBoolean(1)) {
        throw new StoreException(
            "PostgreSQL role '"
                + rs.getString(2)
                + "' bypasses row-level security (superuser or BYPASSRLS), so tenant isolation"
                + " would rest on queries alone; connect as a dedicated role (docs/scaling.md)",
            false,
            null);
      }
    } catch (SQLException e) {
      throw new StoreException(
          "cannot connect to PostgreSQL at " + redact(url) + ": " + Db.rootMessage(e), true, e);
    }
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(url);
    hikari.setDataSourceProperties(credentials);
    hikari.setPoolName("attune-postgres");
    hikari.setMaximumPoolSize(16);
    hikari.setMinimumIdle(2);
    // With PostgreSQL down, a request learns it in 3 s (a 503) rather than the pool's default 30.
    hikari.setConnectionTimeout(3_000);
    HikariDataSource pool = new HikariDataSource(hikari);
    try {
      Flyway.configure()
          .dataSource(pool)
          .locations("classpath:db/postgres")
          .table("attune_schema_history")
          .load()
          .migrate();
    } catch (FlywayException e) {
      pool.close();
      throw new StoreException(
          "cannot migrate the PostgreSQL schema at " + redact(url) + ": " + Db.rootMessage(e),
          false,
          e);
    }
    // This process among the nodes: its own change notifications are not news to it.
    String node = UUID.randomUUID().toString();
    return new PostgresStore(
        new Db(pool, new PostgresDialect(node)),
        url,
        node,
        credentials,
        master == null ? null : new Encryption(master));
  }

  @Override
  public void onExternalChange(BiConsumer<TenantId, UserId> changed, Runnable reset) {
    changes.add(changed, reset);
  }

  @Override
  public void onKeyChange(java.util.function.Consumer<String> changed, Runnable reset) {
    changes.addKeys(changed, reset);
  }

  @Override
  public void close() {
    changes.close();
    super.close();
  }

  @Override
  public String toString() {
    return "PostgresStore[" + redact(url) + "]";
  }

  /** The URL without its password. */
  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }
}
