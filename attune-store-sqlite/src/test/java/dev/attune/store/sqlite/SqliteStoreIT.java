package dev.attune.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.attune.core.effectiveness.ContextRecord;
import dev.attune.core.model.BlockType;
import dev.attune.core.model.Category;
import dev.attune.core.model.ItemKind;
import dev.attune.core.model.UserId;
import dev.attune.core.port.MemoryStore;
import dev.attune.core.testing.MemoryStoreContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The store contract against a real SQLite file. */
class SqliteStoreIT extends MemoryStoreContract {
  @Override
  protected MemoryStore newStore() throws Exception {
    return SqliteStore.open(Files.createTempDirectory("attune-sqlite-it"));
  }

  /**
   * An erasure while a long read (an export) holds an older snapshot: the erasure does not wait for
   * the reader (it used to hold the write lock, and every write behind it, for as long), and the
   * WAL holding the erased text is truncated once the reader is done.
   */
  @Test
  void anErasureDoesNotWaitForALongReaderAndItsWalIsScrubbedAfterIt() throws Exception {
    SqliteStore sqlite = SqliteStore.open(Files.createTempDirectory("attune-sqlite-it"), 60_000);
    try {
      String secret = "scrub-me-" + System.nanoTime();
      sqlite.write(
          T1,
          ALICE,
          writeOf(
              T0,
              List.of(),
              List.of(memory(ALICE, "code word " + secret, Category.FACT, T0)),
              List.of()));
      Path wal = Path.of(sqlite.file() + "-wal");
      try (Connection reader = DriverManager.getConnection("jdbc:sqlite:" + sqlite.file());
          Statement st = reader.createStatement()) {
        reader.setAutoCommit(false);
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM memories")) {
          assertThat(rs.next()).isTrue(); // the reader now holds the snapshot before the erasure
        }

        CompletableFuture<Boolean> erasure =
            CompletableFuture.supplyAsync(() -> sqlite.forget(T1, ALICE));

        // With the reader still open: answered well within the 60 s busy timeout it once waited.
        assertThat(erasure.get(20, TimeUnit.SECONDS)).isTrue();
        assertThat(sqlite.walScrubbed()).isFalse();
        assertThat(new String(Files.readAllBytes(wal), StandardCharsets.ISO_8859_1))
            .contains(secret);
        reader.commit();
      }
      await().atMost(Duration.ofSeconds(10)).until(sqlite::walScrubbed);
      assertThat(Files.exists(wal) ? Files.readAllBytes(wal) : new byte[0]).isEmpty();
      assertThat(rawContents(sqlite)).doesNotContain(secret);
    } finally {
      sqlite.close();
    }
  }

  /**
   * With no statistics, SQLite read a user's context records through the table's primary key (all
   * of the tenant's records) instead of the user's index: an erasure scanned the whole table under
   * the write lock. The store gives the planner statistics when it opens (and keeps them current).
   */
  @Test
  void aUsersRowsAreFoundThroughTheUsersIndexNotByScanningTheTenant() throws Exception {
    Path dir = Files.createTempDirectory("attune-sqlite-it");
    try (SqliteStore sqlite = SqliteStore.open(dir)) {
      List<ContextRecord> records = new ArrayList<>();
      for (int i = 0; i < 3_000; i++) {
        records.add(
            new ContextRecord(
                "ctx_" + i,
                T1,
                UserId.of("user-" + i % 100),
                T0.plusSeconds(i),
                null,
                null,
                500,
                120,
                false,
                2_500,
                null,
                List.of(new ContextRecord.Injected("mem_a", BlockType.MEMORIES, ItemKind.FACT, 12)),
                null));
      }
      sqlite.putContextRecords(records);
      // The store's own connections opened before these statistics existed, and a connection
      // reads them only when it opens: after an update the pool renews its connections.
      String delete =
          "DELETE FROM context_records WHERE tenant_id = 'tenant-one' AND user_id = 'u'";
      assertThat(sqlite.queryPlan(delete)).doesNotContain("context_records_by_user");
      sqlite.updateStatistics();
      for (int i = 0; i < 6; i++) {
        assertThat(sqlite.queryPlan(delete)).contains("context_records_by_user");
      }
    }
    try (SqliteStore reopened = SqliteStore.open(dir);
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + reopened.file());
        Statement st = c.createStatement();
        ResultSet plan =
            st.executeQuery(
                "EXPLAIN QUERY PLAN DELETE FROM context_records"
                    + " WHERE tenant_id = 'tenant-one' AND user_id = 'user-7'")) {
      assertThat(plan.next()).isTrue();
      assertThat(plan.getString("detail")).contains("context_records_by_user");

      assertThat(reopened.forget(T1, UserId.of("user-7"))).isTrue();
      assertThat(reopened.contextRecords(T1, UserId.of("user-8"), 1_000)).hasSize(30);
    }
  }

  /** Every row of every table (index and shadow tables included), and the raw file bytes. */
  @Override
  protected String rawContents(MemoryStore store) throws Exception {
    Path file = ((SqliteStore) store).file();
    StringBuilder out = new StringBuilder();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String table : tables) {
        try (ResultSet rs = st.executeQuery("SELECT * FROM \"" + table + "\"")) {
          ResultSetMetaData meta = rs.getMetaData();
          while (rs.next()) {
            for (int i = 1; i <= meta.getColumnCount(); i++) {
              out.append(rs.getString(i)).append('|');
            }
            out.append('\n');
          }
        }
      }
    }
    for (String suffix : List.of("", "-wal")) {
      Path f = Path.of(file + suffix);
      if (Files.exists(f)) {
        out.append(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1));
      }
    }
    return out.toString();
  }
}
