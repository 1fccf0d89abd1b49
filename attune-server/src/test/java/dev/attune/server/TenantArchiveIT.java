package dev.attune.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.core.Attune;
import dev.attune.core.api.MemoryEdit;
import dev.attune.core.api.NewMemory;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.model.AuditEntry;
import dev.attune.core.model.Category;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.Memory;
import dev.attune.core.model.Message;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.OrgProfile;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.UsageMeter;
import dev.attune.core.testing.HashingEmbedder;
import dev.attune.server.http.Keys;
import dev.attune.store.jdbc.JdbcStore;
import dev.attune.store.postgres.TestDatabase;
import dev.attune.store.sqlite.SqliteStore;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tenant moves SQLite -> PostgreSQL -> SQLite through export and import, losing nothing. */
class TenantArchiveIT {
  static final TenantId T = TenantId.of("acme");
  static final TenantId OTHER = TenantId.of("globex");
  static final UserId ANN = UserId.of("ann");
  static final UserId BOB = UserId.of("bob");
  static final Instant AT = Instant.parse("2025-03-01T09:00:00Z");

  @TempDir Path dir;

  private static Message user(String id, String text, Instant at) {
    return new Message(Role.USER, text, id, at, null);
  }

  private void fill(Path data) {
    try (Attune attune =
        Attune.builder()
            .store(SqliteStore.open(data))
            .embedder(new HashingEmbedder())
            .clock(() -> AT.plus(Duration.ofDays(1)))
            .build()) {
      attune.putOrg(
          T,
          OrgId.of("acme-bank"),
          new OrgProfile(
              "Acme Bank", "finance", Map.of("KYC", "know your customer"), List.of(), List.of()));
      attune.setOrg(T, ANN, OrgId.of("acme-bank"));
      attune.observe(
          ObserveRequest.builder(T, ANN)
              .sessionId("s1")
              .messages(
                  List.of(
                      user("m1", "I live in Paris.", AT),
                      user("m2", "I love jazz.", AT.plusSeconds(5))))
              .build());
      attune.observe(
          ObserveRequest.builder(T, ANN)
              .sessionId("s2")
              .messages(List.of(user("m3", "I moved to Berlin.", AT.plusSeconds(3600))))
              .build());
      Memory tea =
          attune.addMemory(T, BOB, NewMemory.of("Bob likes tea.", Category.PREFERENCE), "t");
      attune.editMemory(T, BOB, tea.id(), new MemoryEdit("Bob likes green tea.", null, null), "t");
      attune.observe(
          ObserveRequest.builder(OTHER, ANN)
              .sessionId("s1")
              .messages(List.of(user("x1", "I live in Rome.", AT)))
              .build());
    }
    try (SqliteStore store = SqliteStore.open(data)) {
      new Keys(store, InstantSource.fixed(AT)).create(T, KeyRole.ADMIN, "ops", null, null);
      new Keys(store, InstantSource.fixed(AT)).create(OTHER, KeyRole.ADMIN, "theirs", null, null);
      store.appendAudit(
          T, List.of(new AuditEntry(AT, "key_1", KeyRole.SERVICE, "context", ANN, null, 200)));
      store.recordUsage(
          new UsageMeter.ModelCall(T, "extract", "openai:m", 100, 20, Duration.ofMillis(300), true),
          AT);
    }
  }

  private static Path export(JdbcStore store, Path file) throws Exception {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      TenantArchive.export(store, T, w, n -> {});
    }
    return file;
  }

  /** The lines after the header (which holds the export time). */
  private static List<String> body(Path file) throws Exception {
    List<String> lines = Files.readAllLines(file);
    return lines.subList(1, lines.size());
  }

  @Test
  void aTenantMovesBetweenSqliteAndPostgresWithoutLoss() throws Exception {
    fill(dir.resolve("first"));
    Path a;
    try (SqliteStore sqlite = SqliteStore.open(dir.resolve("first"))) {
      a = export(sqlite, dir.resolve("a.jsonl"));
    }
    List<String> lines = body(a);
    assertThat(lines).anyMatch(l -> l.contains("User moved to Berlin."));
    assertThat(lines).anyMatch(l -> l.contains("\"kind\":\"SUPERSEDED\""));
    assertThat(lines).anyMatch(l -> l.contains("\"type\":\"key\""));
    assertThat(lines).anyMatch(l -> l.contains("\"type\":\"usage\""));
    assertThat(lines).noneMatch(l -> l.contains("Rome") || l.contains("globex"));

    String pgUrl = TestDatabase.url(TestDatabase.newDatabase());
    Path b;
    try (JdbcStore postgres = Stores.open(pgUrl, dir)) {
      TenantArchive.Counts counts = TenantArchive.importFile(postgres, a, n -> {});
      assertThat(counts.users()).isEqualTo(2);
      b = export(postgres, dir.resolve("b.jsonl"));
      // Importing into a tenant that holds users is refused, and changes nothing.
      assertThatThrownBy(() -> TenantArchive.importFile(postgres, a, n -> {}))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("already holds users");
      assertThat(body(export(postgres, dir.resolve("b2.jsonl")))).isEqualTo(body(b));
    }
    assertThat(body(b)).isEqualTo(lines);

    Path c;
    try (SqliteStore back = SqliteStore.open(dir.resolve("back"))) {
      TenantArchive.importFile(back, b, n -> {});
      c = export(back, dir.resolve("c.jsonl"));
    }
    assertThat(body(c)).isEqualTo(lines);
  }

  @Test
  void aMalformedFileIsRefusedWithItsLineAndNothingIsWritten() throws Exception {
    fill(dir.resolve("src"));
    Path good;
    try (SqliteStore sqlite = SqliteStore.open(dir.resolve("src"))) {
      good = export(sqlite, dir.resolve("good.jsonl"));
    }
    List<String> lines = new java.util.ArrayList<>(Files.readAllLines(good));
    lines.add(4, "{\"type\":\"memory\",\"memory\":{\"text\":");
    Path bad = Files.write(dir.resolve("bad.jsonl"), lines);

    try (SqliteStore target = SqliteStore.open(dir.resolve("target"))) {
      assertThatThrownBy(() -> TenantArchive.importFile(target, bad, n -> {}))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("line 5");
      assertThat(target.users(T, null, 10)).isEmpty();
      assertThat(target.keys(T)).isEmpty();
    }
    Path notAnExport = Files.writeString(dir.resolve("x.jsonl"), "{\"hello\": 1}\n");
    try (SqliteStore target = SqliteStore.open(dir.resolve("target2"))) {
      assertThatThrownBy(() -> TenantArchive.importFile(target, notAnExport, n -> {}))
          .hasMessageContaining("not an Attune export header");
    }
  }
}
