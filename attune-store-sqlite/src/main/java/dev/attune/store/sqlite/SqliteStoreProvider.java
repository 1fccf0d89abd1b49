package dev.attune.store.sqlite;

import dev.attune.core.model.StoreException;
import dev.attune.core.port.Store;
import dev.attune.core.port.StoreProvider;
import dev.attune.store.jdbc.MasterKey;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a {@link SqliteStore} for any location that is a directory path rather than a URL, private
 * by default as {@code serve} opens it: encrypted under {@code master.key} in the directory,
 * created for a new store. A store written in plaintext is refused (never half plaintext): {@code
 * ./attune encrypt --data DIR} encrypts it in place, or {@code Attune.builder().store(
 * SqliteStore.open(dir))} opens it as it is.
 */
public final class SqliteStoreProvider implements StoreProvider {
  private static final System.Logger LOG = System.getLogger(SqliteStoreProvider.class.getName());

  @Override
  public boolean accepts(String location) {
    return !location.startsWith("jdbc:") && !location.contains("://");
  }

  @Override
  public Store open(String location) {
    Path dir = Path.of(location);
    Path keyFile = dir.resolve(SqliteStore.MASTER_KEY_FILE);
    MasterKey master;
    if (Files.exists(keyFile)) {
      master = MasterKey.read(keyFile);
    } else if (!Files.exists(dir.resolve(SqliteStore.KEYS_FILE_NAME))) {
      master = MasterKey.generate();
      master.writeNew(keyFile);
      LOG.log(
          System.Logger.Level.INFO,
          "Created the master key "
              + master.id()
              + " in "
              + keyFile.toAbsolutePath()
              + ": users' text is encrypted at rest under it; without it the data cannot be read.");
    } else {
      throw new StoreException(
          "the store in "
              + dir
              + " is encrypted and its master key is not in "
              + keyFile
              + ": put it back, or open the store with SqliteStore.open(dir, key)",
          false,
          null);
    }
    try {
      return SqliteStore.openSealed(dir, master);
    } catch (StoreException e) {
      throw new StoreException(
          e.getMessage() + " (in Java: Attune.builder().store(SqliteStore.open(dir)))", false, e);
    }
  }
}
