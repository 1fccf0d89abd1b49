package dev.attune.store.sqlite;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreFailureIT {
  static final TenantId T = TenantId.of("t");
  static final UserId U = UserId.of("u");
  static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

  @TempDir Path dir;

  static UserWrite aMemory() {
    Memory m =
        Memory.create(
            MemoryId.random(),
            U,
            "likes tea",
            Category.PREFERENCE,
            null,
            0.8,
            Provenance.explicit(),
            NOW,
            NOW);
    return UserWrite.memories(NOW, List.of(m), List.of());
  }

  @Test
  void aDatabaseLockedByAnotherProcessIsAClearRetryableErrorAndNothingIsWritten() throws Exception {
    try (SqliteStore store = SqliteStore.open(dir, 200);
        Connection other = DriverManager.getConnection("jdbc:sqlite:" + store.file());
        Statement st = other.createStatement()) {
      st.execute("BEGIN EXCLUSIVE");
      assertThatThrownBy(() -> store.write(T, U, aMemory()))
          .isInstanceOf(StoreException.class)
          .hasMessage(
              "write failed: the database is locked by another writer and stayed locked for 200 ms; nothing was written")
          .matches(e -> ((StoreException) e).retryable());
      st.execute("ROLLBACK");
      assertThat(store.memories(T, U, MemoryQuery.all())).isEmpty();
      assertThat(store.findUser(T, U)).isEmpty();
      store.write(T, U, aMemory());
      assertThat(store.memories(T, U, MemoryQuery.all())).hasSize(1);
    }
  }

  @Test
  void aDataDirectoryThatIsAFileIsAClearError() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    assertThatThrownBy(() -> SqliteStore.open(file))
        .isInstanceOf(StoreException.class)
        .hasMessage("data directory " + file + " exists and is not a directory");
  }

  @Test
  void aFileThatIsNotADatabaseIsAClearError() throws Exception {
    Files.writeString(
        dir.resolve(SqliteStore.FILE_NAME), "this is not a database, just text ".repeat(200));
    assertThatThrownBy(() -> SqliteStore.open(dir))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("cannot open the database " + dir.resolve(SqliteStore.FILE_NAME));
  }

  @Test
  void dataSurvivesReopening() {
    try (SqliteStore store = SqliteStore.open(dir)) {
      store.write(T, U, aMemory());
    }
    try (SqliteStore store = SqliteStore.open(dir)) {
      assertThat(store.memories(T, U, MemoryQuery.all()))
          .extracting(Memory::text)
          .containsExactly("likes tea");
    }
  }
}
