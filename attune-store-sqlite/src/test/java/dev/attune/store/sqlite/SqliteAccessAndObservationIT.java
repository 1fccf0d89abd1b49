package dev.attune.store.sqlite;

import dev.attune.core.testing.AccessStoreContract;
import dev.attune.core.testing.ObservationLogContract;
import java.nio.file.Files;
import org.junit.jupiter.api.Nested;

class SqliteAccessAndObservationIT {
  @Nested
  class Access extends AccessStoreContract<SqliteStore> {
    @Override
    protected SqliteStore newStore() throws Exception {
      return SqliteStore.open(Files.createTempDirectory("attune-access-it"));
    }
  }

  @Nested
  class Observations extends ObservationLogContract<SqliteStore> {
    @Override
    protected SqliteStore newStore() throws Exception {
      return SqliteStore.open(Files.createTempDirectory("attune-observations-it"));
    }
  }

  @Nested
  class Effectiveness extends dev.attune.core.testing.EffectivenessStoreContract<SqliteStore> {
    @Override
    protected SqliteStore newStore() throws Exception {
      return SqliteStore.open(Files.createTempDirectory("attune-effects-it"));
    }
  }
}
