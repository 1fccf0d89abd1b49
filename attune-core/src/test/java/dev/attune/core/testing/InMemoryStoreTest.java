package dev.attune.core.testing;

import dev.attune.core.port.MemoryStore;

class InMemoryStoreTest extends MemoryStoreContract {
  @Override
  protected MemoryStore newStore() {
    return new InMemoryStore();
  }

  @Override
  protected String rawContents(MemoryStore store) {
    return ((InMemoryStore) store).dump();
  }
}
