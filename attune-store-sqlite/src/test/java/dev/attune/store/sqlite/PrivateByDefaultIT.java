package dev.attune.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.core.Attune;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.model.Message;
import dev.attune.core.model.StoreException;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.testing.HashingEmbedder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Attune.builder().dataDir(..)} keeps a new store encrypted as serve does (the master key
 * made in the directory), opens it again with that key, and refuses a store written in plaintext
 * rather than make it half plaintext.
 */
class PrivateByDefaultIT {
  static final TenantId T = TenantId.of("app");
  static final UserId ANN = UserId.of("ann");

  @TempDir Path dir;

  static void observe(Attune attune) {
    attune.observe(
        ObserveRequest.builder(T, ANN)
            .messages(List.of(Message.user("I am allergic to peanuts.")))
            .build());
  }

  @Test
  void aNewDataDirectoryIsEncryptedUnderAKeyMadeForIt() throws Exception {
    try (Attune attune = Attune.builder().dataDir(dir).embedder(new HashingEmbedder()).build()) {
      observe(attune);
    }
    assertThat(dir.resolve(SqliteStore.MASTER_KEY_FILE)).exists();
    String raw =
        new String(
            Files.readAllBytes(dir.resolve(SqliteStore.FILE_NAME)), StandardCharsets.ISO_8859_1);
    assertThat(raw).doesNotContain("peanuts");
    try (Attune again = Attune.builder().dataDir(dir).embedder(new HashingEmbedder()).build()) {
      assertThat(again.memories(T, ANN, MemoryQuery.active()).get(0).text()).contains("peanuts");
    }
  }

  @Test
  void aPlaintextStoreIsRefusedNotMadeHalfPlaintext() {
    try (Attune plain =
        Attune.builder().store(SqliteStore.open(dir)).embedder(new HashingEmbedder()).build()) {
      observe(plain);
    }
    assertThatThrownBy(
            () -> Attune.builder().dataDir(dir).embedder(new HashingEmbedder()).build().close())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("plaintext")
        .hasMessageContaining("./attune encrypt --data");
  }
}
