package dev.attune.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.core.model.Category;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.Provenance;
import dev.attune.core.model.StoreException;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.port.UserWrite;
import dev.attune.server.cli.AttuneCli;
import dev.attune.store.jdbc.JdbcStore;
import dev.attune.store.jdbc.MasterKey;
import dev.attune.store.postgres.TestDatabase;
import dev.attune.store.sqlite.SqliteStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How serve and the tools find (or make) the master key, and rotating it from the command line. */
class StoresIT {
  static final TenantId T = TenantId.of("acme");
  static final UserId ANN = UserId.of("ann");
  static final Instant AT = Instant.parse("2025-03-01T09:00:00Z");

  @TempDir Path dir;
  @TempDir Path elsewhere;
  final StringWriter notices = new StringWriter();

  private ServerConfig config(Map<String, String> settings) {
    Map<String, String> flags = new HashMap<>(settings);
    flags.put("data", dir.toString());
    return ServerConfig.resolve(flags, Map.of(), null);
  }

  private JdbcStore serve(Map<String, String> settings) {
    return Stores.open(
        config(settings), Stores.Keys.CREATE_FOR_NEW_STORE, new PrintWriter(notices));
  }

  private static void remember(JdbcStore store, String text) {
    Memory m =
        Memory.create(
            MemoryId.random(), ANN, text, Category.FACT, null, 0.9, Provenance.explicit(), AT, AT);
    store.write(T, ANN, UserWrite.memories(AT, List.of(m), List.of()));
  }

  @Test
  void serveCreatesAKeyForANewStoreAndNeedsItAfterwards() throws Exception {
    try (JdbcStore store = serve(Map.of())) {
      assertThat(store.encrypted()).isTrue();
      remember(store, "Ann is allergic to peanuts.");
    }
    Path keyFile = dir.resolve(Stores.MASTER_KEY_FILE);
    assertThat(Files.getPosixFilePermissions(keyFile).toString())
        .isEqualTo("[OWNER_READ, OWNER_WRITE]");
    assertThat(notices.toString()).contains("Created the master key").contains("secret store");

    // The tools find the same key; the data reads back.
    try (JdbcStore store =
        Stores.open(config(Map.of()), Stores.Keys.CREATE_FOR_NEW_STORE, new PrintWriter(notices))) {
      assertThat(store.memories(T, ANN, MemoryQuery.all()).get(0).text()).contains("peanuts");
    }
    // Without the key, an encrypted store refuses to start rather than serve unreadable data.
    Path moved = Files.move(keyFile, elsewhere.resolve("kept-elsewhere.key"));
    assertThatThrownBy(() -> serve(Map.of()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("no master key was found");
    // Given explicitly (a file elsewhere, or the key itself), it opens.
    try (JdbcStore store = serve(Map.of("master_key_file", moved.toString()))) {
      assertThat(store.memories(T, ANN, MemoryQuery.all())).hasSize(1);
    }
    String base64 = MasterKey.read(moved).base64();
    try (JdbcStore store = serve(Map.of("master_key", base64))) {
      assertThat(store.memories(T, ANN, MemoryQuery.all())).hasSize(1);
    }
    assertThat(notices.toString()).doesNotContain(base64);
  }

  @Test
  void theToolsMakeANewStorePrivateAsServeDoesAndPlaintextOnlyWhenAsked() throws Exception {
    // A tool first on a new directory: encrypted, with the key serve would have made.
    try (JdbcStore store =
        Stores.open(config(Map.of()), Stores.Keys.CREATE_FOR_NEW_STORE, new PrintWriter(notices))) {
      assertThat(store.encrypted()).isTrue();
    }
    assertThat(Files.exists(dir.resolve(Stores.MASTER_KEY_FILE))).isTrue();
    assertThatThrownBy(() -> config(Map.of("encryption", "maybe")))
        .hasMessageContaining("invalid encryption 'maybe'");
  }

  @Test
  void aPlaintextStoreIsRefusedWithEncryptionOnUntilEncryptSealsItInPlace() throws Exception {
    try (JdbcStore store = serve(Map.of("encryption", "off"))) {
      assertThat(store.encrypted()).isFalse();
      remember(store, "Ann is allergic to peanuts.");
    }
    assertThat(Files.exists(dir.resolve(Stores.MASTER_KEY_FILE))).isFalse();
    // Never half plaintext: with encryption on, the store says so and names the command.
    assertThatThrownBy(() -> serve(Map.of()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("plaintext")
        .hasMessageContaining("./attune encrypt --data");

    StringWriter out = new StringWriter();
    int code =
        AttuneCli.run(
            new String[] {"encrypt", "--data", dir.toString()},
            new PrintWriter(out),
            new PrintWriter(notices));
    assertThat(code).as(notices.toString()).isZero();
    assertThat(out.toString()).contains("wholly encrypted");
    // Run again (as after an interruption): nothing left to do.
    StringWriter again = new StringWriter();
    AttuneCli.run(
        new String[] {"encrypt", "--data", dir.toString()},
        new PrintWriter(again),
        new PrintWriter(notices));
    assertThat(again.toString()).contains(": 0 values");

    try (JdbcStore store = serve(Map.of())) {
      assertThat(store.encrypted()).isTrue();
      assertThat(store.memories(T, ANN, MemoryQuery.all()).get(0).text()).contains("peanuts");
    }
    // The file itself holds no plaintext any more.
    byte[] db = Files.readAllBytes(dir.resolve(SqliteStore.FILE_NAME));
    assertThat(new String(db, java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("peanuts");
  }

  @Test
  void postgresNeedsAKeyEveryNodeShares() {
    String url = TestDatabase.url(TestDatabase.newDatabase());
    assertThatThrownBy(() -> serve(Map.of("store", url)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("every node needs the same key");
    try (JdbcStore store =
        serve(Map.of("store", url, "master_key", MasterKey.generate().base64()))) {
      assertThat(store.encrypted()).isTrue();
    }
  }

  @Test
  void theMasterKeyIsRotatedFromTheCommandLine() throws Exception {
    try (JdbcStore store = serve(Map.of())) {
      remember(store, "Ann lives in Porto.");
    }
    MasterKey old = MasterKey.read(dir.resolve(Stores.MASTER_KEY_FILE));
    Path next = elsewhere.resolve("next.key");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int code =
        AttuneCli.run(
            new String[] {
              "keys", "rotate-master", "--data", dir.toString(), "--new-key-file", next.toString()
            },
            new PrintWriter(out),
            new PrintWriter(err));

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("Rewrapped 1 data key(s)");
    MasterKey rotated = MasterKey.read(next);
    try (SqliteStore store = SqliteStore.open(dir, rotated)) {
      assertThat(store.memories(T, ANN, MemoryQuery.all()).get(0).text()).contains("Porto");
    }
    try (SqliteStore store = SqliteStore.open(dir, old)) {
      assertThatThrownBy(() -> store.memories(T, ANN, MemoryQuery.all()))
          .hasMessageContaining("wrapped by master key " + rotated.id());
    }
  }
}
