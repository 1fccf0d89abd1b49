package dev.attune.store.postgres;

import dev.attune.core.port.Store;
import dev.attune.core.port.StoreProvider;

/** Opens a {@link PostgresStore} for {@code jdbc:postgresql://} locations. */
public final class PostgresStoreProvider implements StoreProvider {
  @Override
  public boolean accepts(String location) {
    return location.startsWith("jdbc:postgresql:");
  }

  @Override
  public Store open(String location) {
    return PostgresStore.open(location);
  }
}
