package dev.attune.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.core.model.Category;
import dev.attune.core.model.Episode;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.Provenance;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.port.MemoryStore;
import dev.attune.core.port.UserWrite;
import dev.attune.core.testing.MemoryStoreContract;
import dev.attune.core.testing.RawBytes;
import dev.attune.store.jdbc.MasterKey;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Encryption at rest on PostgreSQL: every byte the server writes holds no user plaintext. */
class PostgresEncryptionIT {
  static final TenantId T = TenantId.of("acme");
  static final UserId ANN = UserId.of("ann");
  static final Instant AT = Instant.parse("2025-03-01T09:00:00Z");

  /** The whole store contract with encryption on. */
  @Nested
  class Contract extends MemoryStoreContract {
    @Override
    protected MemoryStore newStore() {
      return PostgresStore.open(TestDatabase.url(TestDatabase.newDatabase()), MasterKey.generate());
    }

    @Override
    protected String rawContents(MemoryStore store) throws Exception {
      return TestDatabase.allRows(PostgresStoreIT.database(store));
    }
  }

  private static void plant(PostgresStore store, String secret) {
    Memory m =
        Memory.create(
            MemoryId.random(),
            ANN,
            "Ann's code word is " + secret + ".",
            Category.FACT,
            null,
            0.9,
            Provenance.explicit(),
            AT,
            AT);
    store.write(
        T,
        ANN,
        new UserWrite(
            AT,
            null,
            List.of(new Episode("m1", ANN, Role.USER, null, "I said " + secret, "s1", AT, null)),
            List.of(m),
            List.of(),
            List.of()));
  }

  /**
   * Occurrences of {@code secret} in every file of the server's data directory, after a checkpoint.
   */
  private static int onDisk(String database, String secret) throws Exception {
    try (Connection c = TestDatabase.superuser(database);
        Statement st = c.createStatement()) {
      st.execute("CHECKPOINT");
    }
    return RawBytes.occurrences(TestDatabase.dataDirectory(), secret);
  }

  @Test
  void aPlantedSecretIsNowhereInTheServersFiles() throws Exception {
    String encrypted = TestDatabase.newDatabase();
    String secret = "Quokka-basalt-" + System.nanoTime();
    try (PostgresStore store =
        PostgresStore.open(TestDatabase.url(encrypted), MasterKey.generate())) {
      plant(store, secret);
      assertThat(store.memories(T, ANN, MemoryQuery.all()).get(0).text()).contains(secret);
      // What a dump would hold: every row of every table, read as a superuser.
      String dump = TestDatabase.allRows(PostgresStoreIT.database(store));
      assertThat(dump).doesNotContain(secret).contains("enc1:");
    }
    int found = onDisk(encrypted, secret);
    System.out.println("secret occurrences in PostgreSQL's data directory (encrypted): " + found);
    assertThat(found).isZero();

    // The control: the same write without encryption is found by the same scan.
    String plain = TestDatabase.newDatabase();
    String visible = "Wombat-granite-" + System.nanoTime();
    try (PostgresStore store = PostgresStore.open(TestDatabase.url(plain))) {
      plant(store, visible);
    }
    assertThat(onDisk(plain, visible)).isPositive();
  }
}
