package dev.attune.store.postgres;

import dev.attune.core.port.MemoryStore;
import dev.attune.core.port.StoreProvider;

/** Opens a {@link PostgresStore} for {@code jdbc:postgresql://} locations. */
public final class PostgresStoreProvider implements StoreProvider {
  @Override
  public boolean accepts(String location) {
    return location.startsWith("jdbc:postgresql:");
  }

  @Override
  public MemoryStore open(String location) {
    return PostgresStore.open(location);
  }
}
