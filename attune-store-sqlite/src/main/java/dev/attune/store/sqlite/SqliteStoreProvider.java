package dev.attune.store.sqlite;

import dev.attune.core.port.Store;
import dev.attune.core.port.StoreProvider;
import java.nio.file.Path;

/** Opens a {@link SqliteStore} for any location that is a directory path rather than a URL. */
public final class SqliteStoreProvider implements StoreProvider {
  @Override
  public boolean accepts(String location) {
    return !location.startsWith("jdbc:") && !location.contains("://");
  }

  @Override
  public Store open(String location) {
    return SqliteStore.open(Path.of(location));
  }
}
