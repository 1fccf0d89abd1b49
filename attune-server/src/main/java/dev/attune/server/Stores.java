package dev.attune.server;

import dev.attune.core.InvalidRequestException;
import dev.attune.core.StoreException;
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
  /** The default master key file's name in the data directory. */
  public static final String MASTER_KEY_FILE = "master.key";

  private Stores() {}

  /** Whether a store may get a new master key when it has none yet. */
  public enum Keys {
    /** {@code serve}: a new SQLite store gets a key file on first start. */
    CREATE_FOR_NEW_STORE,
    /** The command-line tools: use the key if one is found. */
    USE_IF_FOUND
  }

  /**
   * Opens the store {@code cfg} names.
   *
   * @param notices where a newly created key file is announced
   * @throws StoreException when encryption is on and no master key can be found for a store that
   *     needs one
   */
  public static JdbcStore open(ServerConfig cfg, Keys keys, PrintWriter notices) {
    MasterKey master = cfg.encryption() ? masterKey(cfg, keys, notices) : null;
    if (cfg.storeUrl() == null) {
      Path dir = cfg.dataDir();
      return master == null ? SqliteStore.open(dir) : SqliteStore.open(dir, master);
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

  private static @Nullable MasterKey masterKey(ServerConfig cfg, Keys keys, PrintWriter notices) {
    if (cfg.masterKey() != null) {
      return MasterKey.fromBase64(cfg.masterKey());
    }
    boolean sqlite = cfg.storeUrl() == null;
    Path file =
        cfg.masterKeyFile() != null
            ? cfg.masterKeyFile()
            : sqlite ? cfg.dataDir().resolve(MASTER_KEY_FILE) : null;
    if (file != null && Files.exists(file)) {
      return MasterKey.read(file);
    }
    // A SQLite store that has never held a data key can start encrypting now.
    boolean fresh = sqlite && !Files.exists(cfg.dataDir().resolve(SqliteStore.KEYS_FILE_NAME));
    if (fresh && keys == Keys.CREATE_FOR_NEW_STORE && file != null) {
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
      return created;
    }
    if (fresh && keys == Keys.USE_IF_FOUND) {
      return null; // nothing encrypted yet: the tools write plaintext until serve sets a key
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
