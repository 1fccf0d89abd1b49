package dev.attune.store.postgres;

import dev.attune.core.testing.AccessStoreContract;
import dev.attune.core.testing.ObservationLogContract;
import org.junit.jupiter.api.Nested;

class PostgresAccessAndObservationIT {
  @Nested
  class Access extends AccessStoreContract<PostgresStore> {
    @Override
    protected PostgresStore newStore() {
      return TestDatabase.newStore();
    }
  }

  @Nested
  class Observations extends ObservationLogContract<PostgresStore> {
    @Override
    protected PostgresStore newStore() {
      return TestDatabase.newStore();
    }
  }

  @Nested
  class Effectiveness extends dev.attune.core.testing.EffectivenessStoreContract<PostgresStore> {
    @Override
    protected PostgresStore newStore() {
      return TestDatabase.newStore();
    }
  }
}
