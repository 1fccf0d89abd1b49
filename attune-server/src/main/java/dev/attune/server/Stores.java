package dev.attune.server;

import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.StoreException;
import dev.attune.store.jdbc.JdbcStore;
import dev.attune.store.jdbc.MasterKey;
import dev.attune.store.postgres.PostgresStore;
import dev.attune.store.sqlite.SqliteStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Opens the configured store: PostgreSQL at a URL, else SQLite in the data directory; encrypted at
 * rest unless {@code encryption=off}, with the master key from {@code ATTUNE_MASTER_KEY}, {@code
 * master_key_file}, or {@code master.key} in the data directory.
 */
public final class Stores {
  /** In the data directory while {@code ./attune encrypt} runs: a store it has not finished. */
  public static final String ENCRYPTING_MARKER = SqliteStore.ENCRYPTING_MARKER;

  /** The default master key file's name in the data directory. */
  public static final String MASTER_KEY_FILE = SqliteStore.MASTER_KEY_FILE;

  private Stores() {}

  /** How the master key is found or made. */
  public enum Keys {
    /**
     * {@code serve} and every tool: a new SQLite store gets a key file on first use; a store
     * holding plaintext is refused (never half plaintext), with the command that encrypts it.
     */
    CREATE_FOR_NEW_STORE,
    /** {@code ./attune encrypt}: a plaintext store gets a key too, and is opened to be sealed. */
    ENCRYPT_IN_PLACE
  }

  /**
   * Opens the store {@code cfg} names.
   *
   * @param notices where a newly created key file is announced
   * @throws StoreException when encryption is on and no master key can be found for a store that
   *     needs one
   */
  public static JdbcStore open(ServerConfig cfg, Keys keys, PrintWriter notices) {
    MasterKey master = cfg.encryption() ? masterKey(cfg, notices) : null;
    if (cfg.storeUrl() == null) {
      Path dir = cfg.dataDir();
      if (master == null) {
        return SqliteStore.open(dir);
      }
      return keys == Keys.ENCRYPT_IN_PLACE
          ? SqliteStore.open(dir, master)
          : SqliteStore.openSealed(dir, master);
    }
    return PostgresStore.open(cfg.storeUrl(), master);
  }

  /** Opens a store without encryption (tests, benchmarks). */
  public static JdbcStore open(@Nullable String url, Path dataDir) {
    if (url == null || url.isBlank()) {
      return SqliteStore.open(dataDir);
    }
    check(url);
    return PostgresStore.open(url.strip());
  }

  /** Where the master key file is: {@code master_key_file}, else (SQLite) the data directory's. */
  private static @Nullable Path masterKeyFile(ServerConfig cfg) {
    if (cfg.masterKeyFile() != null) {
      return cfg.masterKeyFile();
    }
    return cfg.storeUrl() == null ? cfg.dataDir().resolve(MASTER_KEY_FILE) : null;
  }

  /** True when a master key is at hand (given, or in its file): opening needs to create none. */
  public static boolean masterKeyAtHand(ServerConfig cfg) {
    Path file = masterKeyFile(cfg);
    return cfg.masterKey() != null || (file != null && Files.exists(file));
  }

  private static @Nullable MasterKey masterKey(ServerConfig cfg, PrintWriter notices) {
    if (cfg.masterKey() != null) {
      return MasterKey.fromBase64(cfg.masterKey());
    }
    boolean sqlite = cfg.storeUrl() == null;
    Path file = masterKeyFile(cfg);
    if (file != null && Files.exists(file)) {
      return MasterKey.read(file);
    }
    // A SQLite store that has never held a data key gets one now: a new store starts encrypted; a
    // plaintext one is refused after opening, or sealed by ./attune encrypt.
    boolean neverEncrypted =
        sqlite && !Files.exists(cfg.dataDir().resolve(SqliteStore.KEYS_FILE_NAME));
    if (neverEncrypted && file != null) {
      MasterKey created = MasterKey.generate();
      created.writeNew(file);
      notices.println(
          "Created the master key "
              + created.id()
              + " in "
              + file.toAbsolutePath()
              + " (users' text is encrypted at rest under it).");
      notices.println(
          "Move it out of the data directory into your secret store and pass it as"
              + " ATTUNE_MASTER_KEY or --master-key-file: without it the data cannot be read.");
      notices.flush();
      return created;
    }
    throw new StoreException(
        "encryption is on (the default) and no master key was found"
            + (file == null ? "" : " at " + file)
            + ": set ATTUNE_MASTER_KEY (base64) or master_key_file"
            + (sqlite ? "" : " (every node needs the same key)")
            + ", or encryption=off; see the README",
        false,
        null);
  }

  /** Refuses a store URL Attune cannot open, naming the setting. */
  public static void check(String url) {
    if (!url.isBlank() && !url.strip().startsWith("jdbc:postgresql://")) {
      throw new InvalidRequestException(
          "store",
          "store must be a jdbc:postgresql://host:port/database URL, or empty for SQLite in the"
              + " data directory");
    }
  }
}
