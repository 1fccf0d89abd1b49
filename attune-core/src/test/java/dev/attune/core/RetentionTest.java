package dev.attune.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.attune.core.api.ContextPack;
import dev.attune.core.api.ContextRequest;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.model.AuditEntry;
import dev.attune.core.model.Episode;
import dev.attune.core.model.ItemKind;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.Message;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.EpisodeQuery;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.testing.HashingEmbedder;
import dev.attune.core.testing.InMemoryStore;
import dev.attune.core.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionTest {
  static final TenantId T = TenantId.of("acme-app");
  static final UserId ALICE = UserId.of("alice");

  final InMemoryStore store = new InMemoryStore();
  final MutableClock clock = MutableClock.at("2025-03-01T09:00:00Z");

  private Attune attune(Duration retention) {
    return Attune.builder()
        .store(store)
        .embedder(new HashingEmbedder())
        .clock(clock)
        .episodeRetention(retention)
        .retentionSweepEvery(Duration.ZERO)
        .build();
  }

  private void say(Attune attune, String id, String text) {
    attune.observe(
        ObserveRequest.builder(T, ALICE)
            .sessionId("s1")
            .messages(List.of(new Message(Role.USER, text, id, null, null)))
            .build());
  }

  private List<String> episodes() {
    return store.episodes(T, ALICE, EpisodeQuery.all()).stream().map(Episode::content).toList();
  }

  @Test
  void episodesOlderThanTheRetentionPeriodAreDeletedAndMemoriesStay() {
    try (Attune attune = attune(Duration.ofDays(90))) {
      say(attune, "m1", "I love sailing.");
      clock.advance(Duration.ofDays(60));
      say(attune, "m2", "I play the cello.");
      // Warm the working set: the sweep must drop it, not serve deleted messages from memory.
      attune.context(ContextRequest.builder(T, ALICE).query("sailing").maxTokens(500).build());

      clock.advance(Duration.ofDays(31)); // m1 is 91 days old, m2 31
      assertThat(attune.purgeExpiredEpisodes()).isEqualTo(1);

      assertThat(episodes()).containsExactly("I play the cello.");
      assertThat(attune.memories(T, ALICE, MemoryQuery.active()))
          .anyMatch(m -> m.text().contains("sailing"));
      ContextPack pack =
          attune.context(ContextRequest.builder(T, ALICE).query("sailing").maxTokens(500).build());
      assertThat(pack.items().filter(i -> i.kind() == ItemKind.EPISODE))
          .noneMatch(i -> i.text().contains("I love sailing"));
      assertThat(store.audit(T, null, null, 10))
          .anySatisfy(
              e -> {
                assertThat(e.role()).isEqualTo(KeyRole.SYSTEM);
                assertThat(e.action()).isEqualTo("retention.delete_episodes");
                assertThat(e.target()).startsWith("episodes=1 ");
              });
      // Nothing more to do: a second sweep deletes nothing and audits nothing.
      int audited = store.audit(T, null, null, 100).size();
      assertThat(attune.purgeExpiredEpisodes()).isZero();
      assertThat(store.audit(T, null, null, 100)).hasSize(audited);
    }
  }

  @Test
  void zeroRetentionKeepsEpisodesForever() {
    try (Attune attune = attune(Duration.ZERO)) {
      say(attune, "m1", "I love sailing.");
      clock.advance(Duration.ofDays(3650));
      assertThat(attune.purgeExpiredEpisodes()).isZero();
      assertThat(episodes()).hasSize(1);
    }
  }

  @Test
  void theBackgroundSweepRunsOnItsOwn() throws Exception {
    try (Attune attune =
        Attune.builder()
            .store(store)
            .embedder(new HashingEmbedder())
            .clock(clock)
            .episodeRetention(Duration.ofDays(1))
            .retentionSweepEvery(Duration.ofMillis(50))
            .build()) {
      say(attune, "m1", "I love sailing.");
      clock.advance(Duration.ofDays(2));
      // The sweep deletes, then audits: wait for both.
      await().until(() -> episodes().isEmpty() && !store.audit(T, null, null, 10).isEmpty());
      assertThat(episodes()).isEmpty();
      List<AuditEntry> audit = store.audit(T, null, null, 10);
      assertThat(audit).extracting(AuditEntry::action).contains("retention.delete_episodes");
    }
  }
}
