package dev.attune.core.port;

import java.util.ServiceLoader;

/**
 * Opens a {@link MemoryStore} for a location. Store adapters register one through {@link
 * ServiceLoader}, as JDBC drivers do, so that {@code Attune.builder().dataDir(..)} works without
 * core knowing any adapter.
 */
public interface StoreProvider {
  /** True if this provider opens {@code location} (a directory path or a URL). */
  boolean accepts(String location);

  /**
   * Opens (creating and migrating as needed) the store at {@code location}.
   *
   * @throws dev.attune.core.model.StoreException when it cannot be opened, with the reason
   */
  Store open(String location);
}
