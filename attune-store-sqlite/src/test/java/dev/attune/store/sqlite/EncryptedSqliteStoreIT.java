package dev.attune.store.sqlite;

import dev.attune.core.port.MemoryStore;
import dev.attune.core.testing.AccessStoreContract;
import dev.attune.core.testing.ObservationLogContract;
import dev.attune.store.jdbc.MasterKey;
import java.nio.file.Files;
import org.junit.jupiter.api.Nested;

/** Every store contract again, with users' text encrypted at rest. */
class EncryptedSqliteStoreIT extends SqliteStoreIT {
  @Override
  protected MemoryStore newStore() throws Exception {
    return SqliteStore.open(
        Files.createTempDirectory("attune-sqlite-enc-it"), MasterKey.generate());
  }

  @Nested
  class Access extends AccessStoreContract<SqliteStore> {
    @Override
    protected SqliteStore newStore() throws Exception {
      return SqliteStore.open(Files.createTempDirectory("attune-enc-access"), MasterKey.generate());
    }
  }

  @Nested
  class Observations extends ObservationLogContract<SqliteStore> {
    @Override
    protected SqliteStore newStore() throws Exception {
      return SqliteStore.open(Files.createTempDirectory("attune-enc-obs"), MasterKey.generate());
    }
  }
}
