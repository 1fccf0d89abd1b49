package dev.attune.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.core.model.Category;
import dev.attune.core.model.ChangeKind;
import dev.attune.core.model.Episode;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryChange;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.Message;
import dev.attune.core.model.Observation;
import dev.attune.core.model.Provenance;
import dev.attune.core.model.Role;
import dev.attune.core.model.StoreException;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.model.UserProfile;
import dev.attune.core.model.UserRecord;
import dev.attune.core.port.EpisodeQuery;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.port.UserWrite;
import dev.attune.core.testing.RawBytes;
import dev.attune.store.jdbc.MasterKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users' text never reaches the disk in plaintext; erasure destroys the key; rotation rewraps. */
class EncryptionAtRestIT {
  static final TenantId T = TenantId.of("acme");
  static final UserId ANN = UserId.of("ann");
  static final Instant AT = Instant.parse("2025-03-01T09:00:00Z");
  static final String SECRET = "Zanzibar-quartz-7731";

  @TempDir Path dir;

  /** Writes the secret into every kind of user text the store keeps. */
  private static void plant(SqliteStore store) {
    Memory m =
        Memory.create(
            MemoryId.random(),
            ANN,
            "Ann's locker code word is " + SECRET + ".",
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
            new UserRecord(
                ANN,
                null,
                new UserProfile(
                    "Ann " + SECRET, null, null, null, null, List.of(), java.util.Map.of()),
                AT,
                AT),
            List.of(new Episode("m1", ANN, Role.USER, null, "I said " + SECRET, "s1", AT, null)),
            List.of(m),
            List.of(
                new MemoryChange(
                    m.id(), AT, ChangeKind.CREATED, "test", null, m.text(), null, List.of("m1"))),
            List.of()));
    store.enqueue(
        T,
        Observation.pending(
            "obs_1",
            ANN,
            null,
            "s1",
            List.of(new Message(Role.USER, "Queued: " + SECRET, "m2", AT, null)),
            "test",
            AT));
  }

  /** How often the secret's bytes occur in every file of the data directory. */
  private static int occurrences(Path data) throws Exception {
    return RawBytes.occurrences(data, SECRET);
  }

  @Test
  void noPlaintextReachesTheDiskAndEverythingReadsBack() throws Exception {
    MasterKey key = MasterKey.generate();
    try (SqliteStore store = SqliteStore.open(dir, key)) {
      plant(store);
      assertThat(store.memories(T, ANN, MemoryQuery.all()).get(0).text()).contains(SECRET);
      assertThat(store.episodes(T, ANN, EpisodeQuery.all()).get(0).content()).contains(SECRET);
      assertThat(store.findUser(T, ANN).orElseThrow().profile().name()).contains(SECRET);
      assertThat(store.findObservation(T, "obs_1").orElseThrow().messages().get(0).content())
          .contains(SECRET);
      int found = occurrences(dir);
      System.out.println("secret occurrences in the data directory (encrypted): " + found);
      assertThat(found).isZero();
    }
    // The same writes without encryption do put it on disk: the scan can find it.
    Path plain = Files.createTempDirectory("attune-plain");
    try (SqliteStore store = SqliteStore.open(plain)) {
      plant(store);
    }
    assertThat(occurrences(plain)).isPositive();
  }

  @Test
  void erasureDestroysTheKeySoABackupCopyNoLongerOpens() throws Exception {
    MasterKey key = MasterKey.generate();
    Path live = dir.resolve("live");
    Path backup = dir.resolve("backup");
    try (SqliteStore store = SqliteStore.open(live, key)) {
      plant(store);
    }
    // A backup of the database (the key file is kept apart, as backups should).
    Files.createDirectories(backup);
    Files.copy(live.resolve(SqliteStore.FILE_NAME), backup.resolve(SqliteStore.FILE_NAME));
    try (SqliteStore store = SqliteStore.open(live, key)) {
      assertThat(store.forget(T, ANN)).isTrue();
    }
    // Restore the old database beside today's keys: Ann's rows are back, her key is not.
    Files.copy(
        live.resolve(SqliteStore.KEYS_FILE_NAME), backup.resolve(SqliteStore.KEYS_FILE_NAME));
    try (SqliteStore restored = SqliteStore.open(backup, key)) {
      assertThatThrownBy(() -> restored.memories(T, ANN, MemoryQuery.all()))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("data key of user 'ann' is gone");
    }
    assertThat(occurrences(backup)).isZero();
  }

  @Test
  void rotatingTheMasterKeyRewrapsKeysWithoutTouchingData() throws Exception {
    MasterKey old = MasterKey.generate();
    MasterKey next = MasterKey.generate();
    try (SqliteStore store = SqliteStore.open(dir, old)) {
      plant(store);
      assertThat(store.rotateMasterKey(next)).isEqualTo(1);
    }
    try (SqliteStore store = SqliteStore.open(dir, next)) {
      assertThat(store.memories(T, ANN, MemoryQuery.all()).get(0).text()).contains(SECRET);
    }
    try (SqliteStore store = SqliteStore.open(dir, old)) {
      assertThatThrownBy(() -> store.memories(T, ANN, MemoryQuery.all()))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("wrapped by master key " + next.id())
          .hasMessageContaining("configured master key is " + old.id());
    }
    try (SqliteStore store = SqliteStore.open(dir)) {
      assertThatThrownBy(() -> store.memories(T, ANN, MemoryQuery.all()))
          .hasMessageContaining("encrypted data but no master key");
    }
  }

  @Test
  void masterKeysAreValidatedAndWrittenPrivately() throws Exception {
    assertThatThrownBy(() -> MasterKey.fromBase64("not base64!"))
        .hasMessageContaining("not valid base64");
    assertThatThrownBy(() -> MasterKey.fromBase64("c2hvcnQ=")).hasMessageContaining("32 bytes");
    MasterKey k = MasterKey.generate();
    Path file = dir.resolve("master.key");
    k.writeNew(file);
    assertThat(MasterKey.read(file).id()).isEqualTo(k.id());
    assertThat(Files.getPosixFilePermissions(file).toString())
        .isEqualTo("[OWNER_READ, OWNER_WRITE]");
    assertThat(k.toString()).doesNotContain(k.base64());
  }
}
