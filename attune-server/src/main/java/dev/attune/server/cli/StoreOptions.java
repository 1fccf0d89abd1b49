package dev.attune.server.cli;

import dev.attune.server.ServerConfig;
import dev.attune.server.Stores;
import dev.attune.store.jdbc.JdbcStore;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * {@code --data} and {@code --store}, shared by every command that opens the store. Their defaults
 * and variables are the settings' ({@link dev.attune.server.Settings}): a flag not given is left to
 * {@link ServerConfig#resolve}, as for {@code serve}.
 */
final class StoreOptions {
  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Data directory (setting data; env ATTUNE_DATA).")
  @Nullable String data;

  @Option(
      names = "--store",
      paramLabel = "URL",
      description = "jdbc:postgresql:// URL; SQLite in --data when empty (env ATTUNE_STORE_URL).")
  @Nullable String store;

  /** The settings, with these flags and {@code more} as given on the command line. */
  ServerConfig config(Map<String, String> more) {
    Map<String, String> flags = new HashMap<>(more);
    if (data != null) {
      flags.put("data", data);
    }
    if (store != null) {
      flags.put("store", store);
    }
    return ServerConfig.resolve(flags, System.getenv(), null);
  }

  ServerConfig config() {
    return config(Map.of());
  }

  /** The store, with the master key the environment or the data directory gives. */
  JdbcStore open() {
    return Stores.open(
        config(), Stores.Keys.CREATE_FOR_NEW_STORE, new PrintWriter(System.err, true));
  }
}
