package dev.attune.server;

import dev.attune.core.InvalidRequestException;
import dev.attune.store.jdbc.JdbcStore;
import dev.attune.store.postgres.PostgresStore;
import dev.attune.store.sqlite.SqliteStore;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** Opens the configured store: PostgreSQL at a URL, else SQLite in the data directory. */
public final class Stores {
  private Stores() {}

  /**
   * @param url {@code jdbc:postgresql://...}, or null / blank for SQLite in {@code dataDir}
   */
  public static JdbcStore open(@Nullable String url, Path dataDir) {
    if (url == null || url.isBlank()) {
      return SqliteStore.open(dataDir);
    }
    check(url);
    return PostgresStore.open(url.strip());
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
