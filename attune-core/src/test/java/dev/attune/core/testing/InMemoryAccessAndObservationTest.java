package dev.attune.core.testing;

import org.junit.jupiter.api.Nested;

class InMemoryAccessAndObservationTest {
  @Nested
  class Access extends AccessStoreContract<InMemoryStore> {
    @Override
    protected InMemoryStore newStore() {
      return new InMemoryStore();
    }
  }

  @Nested
  class Observations extends ObservationLogContract<InMemoryStore> {
    @Override
    protected InMemoryStore newStore() {
      return new InMemoryStore();
    }
  }

  @Nested
  class Effectiveness extends EffectivenessStoreContract<InMemoryStore> {
    @Override
    protected InMemoryStore newStore() {
      return new InMemoryStore();
    }
  }
}
