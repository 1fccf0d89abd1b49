package dev.attune.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.core.model.Category;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.Provenance;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.port.UserWrite;
import dev.attune.server.cli.AttuneCli;
import dev.attune.store.jdbc.JdbcStore;
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

/**
 * {@code ./attune backup} copies a running store (the database and, elsewhere, its data keys);
 * {@code ./attune restore} puts an older database back beside today's keys, and a user erased since
 * the backup stays erased.
 */
class BackupIT {
  static final TenantId T = TenantId.of("acme");
  static final UserId ANN = UserId.of("ann");
  static final UserId BOB = UserId.of("bob");
  static final Instant AT = Instant.parse("2025-03-01T09:00:00Z");

  @TempDir Path dir;
  @TempDir Path backups;
  final StringWriter notices = new StringWriter();

  JdbcStore open() {
    Map<String, String> flags = new HashMap<>();
    flags.put("data", dir.toString());
    return Stores.open(
        ServerConfig.resolve(flags, Map.of(), null),
        Stores.Keys.CREATE_FOR_NEW_STORE,
        new PrintWriter(notices));
  }

  static void remember(JdbcStore store, UserId user, String text) {
    Memory m =
        Memory.create(
            MemoryId.random(), user, text, Category.FACT, null, 0.9, Provenance.explicit(), AT, AT);
    store.write(T, user, UserWrite.memories(AT, List.of(m), List.of()));
  }

  String cli(String... args) {
    StringWriter out = new StringWriter();
    int code = AttuneCli.run(args, new PrintWriter(out), new PrintWriter(notices));
    assertThat(code).as(notices.toString()).isZero();
    return out.toString();
  }

  @Test
  void anErasedUserStaysErasedAfterRestoringAnOlderDatabaseWithTodaysKeys() throws Exception {
    Path db = backups.resolve("db");
    Path keys = backups.resolve("keys");
    try (JdbcStore store = open()) {
      remember(store, ANN, "Ann is allergic to peanuts.");
      remember(store, BOB, "Bob plays the cello.");
      // Online: the store stays open while the backup is taken.
      String said =
          cli(
              "backup",
              "--data",
              dir.toString(),
              "--out",
              db.toString(),
              "--keys-out",
              keys.toString());
      assertThat(said).contains("Backed up").contains("data keys");
      assertThat(db.resolve(SqliteStore.FILE_NAME)).exists();
      assertThat(keys.resolve(SqliteStore.KEYS_FILE_NAME)).exists();
      assertThat(db.resolve(SqliteStore.KEYS_FILE_NAME)).doesNotExist();

      assertThat(store.forget(T, BOB)).isTrue();
    }

    String restored = cli("restore", "--data", dir.toString(), "--from", db.toString());
    assertThat(restored).contains("1 user(s) erased since the backup deleted again");
    try (JdbcStore store = open()) {
      assertThat(store.memories(T, ANN, MemoryQuery.all()))
          .extracting(Memory::text)
          .containsExactly("Ann is allergic to peanuts.");
      assertThat(store.memories(T, BOB, MemoryQuery.all())).isEmpty();
      assertThat(store.findUser(T, BOB)).isEmpty();
    }
    // The backup's bytes hold no user's text: without the keys, a stolen backup reads nobody.
    String raw =
        new String(
            Files.readAllBytes(db.resolve(SqliteStore.FILE_NAME)),
            java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(raw).doesNotContain("cello").doesNotContain("peanuts");
  }
}
