package dev.attune.store.sqlite;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.attune.core.model.StoreException;
import dev.attune.store.jdbc.Db;
import dev.attune.store.jdbc.Encryption;
import dev.attune.store.jdbc.JdbcStore;
import dev.attune.store.jdbc.MasterKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded store: {@code attune.db} in a data directory, WAL journal, schema migrated by Flyway
 * on open, every write in one {@code BEGIN IMMEDIATE} transaction. Deleted content is overwritten
 * ({@code secure_delete}) and the WAL is truncated after {@link #forget} (at once, or as soon as no
 * reader holds it: {@link WalScrubber}), so an erased user's text does not linger in free pages.
 *
 * <p>Thread-safe: reads run concurrently on a small pool; writes are serialized in-process and wait
 * up to the busy timeout for other processes.
 */
public final class SqliteStore extends JdbcStore {
  /** The database file's name inside the data directory. */
  public static final String FILE_NAME = "attune.db";

  /** Default wait for a lock held by another connection or process, in milliseconds. */
  public static final int DEFAULT_BUSY_TIMEOUT_MS = 5_000;

  private final Path file;
  private final SqliteDialect dialect;

  private SqliteStore(Db db, SqliteDialect dialect, Path file, @Nullable Encryption encryption) {
    super(db, encryption);
    this.file = file;
    this.dialect = dialect;
  }

  /** Opens (creating and migrating as needed) the store in {@code dataDir}. */
  public static SqliteStore open(Path dataDir) {
    return open(dataDir, DEFAULT_BUSY_TIMEOUT_MS);
  }

  /**
   * Opens the store in {@code dataDir}.
   *
   * @param busyTimeoutMs how long a write waits for a lock held elsewhere before failing
   * @throws StoreException if the directory cannot be created or written, or the file is not an
   *     Attune database
   */
  public static SqliteStore open(Path dataDir, int busyTimeoutMs) {
    return open(dataDir, busyTimeoutMs, null);
  }

  /**
   * Opens the store with users' text encrypted at rest under {@code master} (data keys in {@value
   * #KEYS_FILE_NAME}, beside the database, so a copy of the database alone holds no key).
   */
  public static SqliteStore open(Path dataDir, MasterKey master) {
    return open(dataDir, DEFAULT_BUSY_TIMEOUT_MS, master);
  }

  /** The master key file's name in a data directory (serve, the tools, the Java builder). */
  public static final String MASTER_KEY_FILE = "master.key";

  /** Present in the data directory while {@link #encryptInPlace} has not finished. */
  public static final String ENCRYPTING_MARKER = "encrypting";

  /**
   * Opens the store encrypted under {@code master} and refuses it when it is half plaintext: text
   * written with encryption off, or an {@link #encryptInPlace} that has not finished. Every door
   * that opens a store privately comes through here.
   */
  public static SqliteStore openSealed(Path dataDir, MasterKey master) {
    boolean interrupted = Files.exists(dataDir.resolve(ENCRYPTING_MARKER));
    SqliteStore store = open(dataDir, master);
    if (interrupted || store.holdsPlaintext()) {
      store.close();
      throw new StoreException(
          "the store in "
              + dataDir
              + " holds users' data in plaintext (written with encryption off) and encryption is"
              + " on: run ./attune encrypt --data "
              + dataDir
              + " to encrypt it in place (resumable), or open it with encryption off",
          false,
          null);
    }
    return store;
  }

  /**
   * Encrypts in place what was written in plaintext (see {@link #encryptPlaintext}); until it has
   * finished, a marker in the data directory makes {@link #openSealed} refuse the store, so an
   * interrupted run is resumed by running it again. Returns how many values were sealed.
   */
  public long encryptInPlace(java.util.function.LongConsumer progress) {
    Path marker = file.resolveSibling(ENCRYPTING_MARKER);
    try {
      Files.writeString(marker, "./attune encrypt has not finished\n");
      long sealed = encryptPlaintext(progress);
      Files.delete(marker);
      return sealed;
    } catch (java.io.IOException e) {
      throw new StoreException(
          "cannot keep the marker " + marker + ": " + e.getMessage(), false, e);
    }
  }

  /** The file of the data keys (encrypted stores only). */
  public static final String KEYS_FILE_NAME = "keys.db";

  private static SqliteStore open(Path dataDir, int busyTimeoutMs, @Nullable MasterKey master) {
    if (busyTimeoutMs < 0) {
      throw new IllegalArgumentException("busyTimeoutMs must be >= 0, got " + busyTimeoutMs);
    }
    Path dir = dataDir.toAbsolutePath().normalize();
    try {
      if (Files.exists(dir) && !Files.isDirectory(dir)) {
        throw new StoreException(
            "data directory " + dir + " exists and is not a directory", false, null);
      }
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StoreException(
          "cannot create data directory " + dir + ": " + e.getMessage(), false, e);
    }
    if (!Files.isWritable(dir)) {
      throw new StoreException("data directory " + dir + " is not writable", false, null);
    }
    Path file = dir.resolve(FILE_NAME);

    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout(busyTimeoutMs);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    config.enforceForeignKeys(true);
    config.setPragma(SQLiteConfig.Pragma.SECURE_DELETE, "true");
    Path keysFile = dir.resolve(KEYS_FILE_NAME);
    SQLiteDataSource sqlite =
        master == null ? new SQLiteDataSource(config) : new WithKeysFile(config, keysFile);
    sqlite.setUrl("jdbc:sqlite:" + file);
    // Fail fast with SQLite's own reason (not a pool timeout) when the file cannot be used.
    try (Connection probe = sqlite.getConnection();
        Statement st = probe.createStatement()) {
      st.execute("PRAGMA schema_version");
    } catch (SQLException e) {
      throw new StoreException(
          "cannot open the database " + file + ": " + Db.rootMessage(e),
          SqliteDialect.isBusy(e),
          e);
    }

    HikariConfig hikari = new HikariConfig();
    hikari.setDataSource(sqlite);
    hikari.setPoolName("attune-sqlite");
    hikari.setMaximumPoolSize(4);
    hikari.setMinimumIdle(1);
    hikari.setInitializationFailTimeout(-1);
    HikariDataSource pool = new HikariDataSource(hikari);
    try {
      Flyway.configure()
          .dataSource(pool)
          .locations("classpath:db/sqlite")
          .table("attune_schema_history")
          .load()
          .migrate();
    } catch (FlywayException e) {
      pool.close();
      Throwable cause = e.getCause() instanceof SQLException sql ? sql : e;
      throw new StoreException(
          "cannot open the database " + file + ": " + Db.rootMessage(cause),
          SqliteDialect.isBusy(cause),
          e);
    }
    if (master != null) {
      try (Connection c = pool.getConnection();
          Statement st = c.createStatement()) {
        st.execute("PRAGMA keys.journal_mode = WAL");
        st.execute(
            "CREATE TABLE IF NOT EXISTS keys.data_keys (tenant_id TEXT NOT NULL, user_id TEXT NOT"
                + " NULL, master_key_id TEXT NOT NULL, wrapped BLOB NOT NULL, created_at INTEGER"
                + " NOT NULL, PRIMARY KEY (tenant_id, user_id)) WITHOUT ROWID");
      } catch (SQLException e) {
        pool.close();
        throw new StoreException(
            "cannot open the key file " + keysFile + ": " + Db.rootMessage(e), false, e);
      }
    }
    SqliteDialect dialect = new SqliteDialect(file, busyTimeoutMs);
    Db db = new Db(pool, dialect);
    dialect.keepStatistics(db);
    return new SqliteStore(db, dialect, file, master == null ? null : new Encryption(master));
  }

  /** SQLite connections with the data keys' file attached as {@code keys}. */
  private static final class WithKeysFile extends SQLiteDataSource {
    private final Path keysFile;

    WithKeysFile(SQLiteConfig config, Path keysFile) {
      super(config);
      this.keysFile = keysFile;
    }

    @Override
    public SQLiteConnection getConnection(String user, String password) throws SQLException {
      SQLiteConnection c = super.getConnection(user, password);
      try (Statement st = c.createStatement()) {
        st.execute("ATTACH DATABASE '" + keysFile.toString().replace("'", "''") + "' AS keys");
        st.execute("PRAGMA keys.secure_delete = ON");
      } catch (SQLException e) {
        c.close();
        throw e;
      }
      return c;
    }
  }

  /**
   * True when the WAL has been truncated since the last deletion. False only while a reader of an
   * older snapshot (a long export) keeps it alive; it is retried in the background until then.
   */
  public boolean walScrubbed() {
    return dialect.walScrubbed();
  }

  /** The periodic statistics update, now (for tests). */
  void updateStatistics() {
    SqliteDialect.updateStatistics(db);
  }

  /** How SQLite would run {@code sql} on one of the store's own connections (for tests). */
  String queryPlan(String sql) {
    return db.read(
        null,
        "explain",
        c -> {
          StringBuilder plan = new StringBuilder();
          try (java.sql.Statement st = c.createStatement();
              java.sql.ResultSet rs = st.executeQuery("EXPLAIN QUERY PLAN " + sql)) {
            while (rs.next()) {
              plan.append(rs.getString("detail")).append('\n');
            }
          }
          return plan.toString();
        });
  }

  /** The database file. */
  public Path file() {
    return file;
  }

  @Override
  public String toString() {
    return "SqliteStore[" + file + "]";
  }

  /**
   * A consistent copy of the live database, taken online ({@code VACUUM INTO}): {@code database}
   * gets users' data, {@code keys} (when encryption is on; null to leave them out) the wrapped data
   * keys, kept apart so that a database backup alone never reads an erased user. Neither file may
   * exist yet.
   */
  public void backup(Path database, @org.jspecify.annotations.Nullable Path keys) {
    db.exclusive(
        "backup",
        c -> {
          try (java.sql.Statement st = c.createStatement()) {
            st.execute("VACUUM INTO '" + database.toString().replace("'", "''") + "'");
            if (keys != null && encrypted()) {
              st.execute("VACUUM keys INTO '" + keys.toString().replace("'", "''") + "'");
            }
          }
          return null;
        });
  }
}
