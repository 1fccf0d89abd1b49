package dev.attune.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.core.api.ContextPack;
import dev.attune.core.api.ContextRequest;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.model.BlockType;
import dev.attune.core.model.Episode;
import dev.attune.core.model.Message;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.EpisodeQuery;
import dev.attune.core.testing.HashingEmbedder;
import dev.attune.core.testing.InMemoryStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A request that runs out of time still answers a known user with what needs no retrieval, and says
 * which blocks it left out: when the user's working set is slow to load (cold after a restart,
 * dropped after another node's write), the profile and preferences come from the user's row and
 * memories alone.
 */
class DegradedContextTest {
  static final TenantId T = TenantId.of("t");
  static final UserId ANN = UserId.of("ann");

  /** A store whose reads of a user's messages (what a working set loads) take a second. */
  static final class SlowMessages extends InMemoryStore {
    volatile boolean slow;

    @Override
    public List<Episode> episodes(TenantId tenant, UserId user, EpisodeQuery query) {
      // Slow outside the store's lock, as a slow database would be: other reads go on.
      if (slow) {
        try {
          Thread.sleep(1_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return super.episodes(tenant, user, query);
    }
  }

  @Test
  void aColdUserLateForTheTimeoutGetsProfileAndPreferencesAndTheMissingBlocks() {
    SlowMessages store = new SlowMessages();
    try (Attune attune = Attune.builder().store(store).embedder(new HashingEmbedder()).build()) {
      attune.observe(
          ObserveRequest.builder(T, ANN)
              .sessionId("s1")
              .messages(
                  List.of(
                      Message.user("My name is Ann."),
                      Message.user("I prefer short answers."),
                      Message.user("I'm vegetarian.")))
              .build());
      store.slow = true;

      ContextPack pack =
          attune.context(
              ContextRequest.builder(T, ANN)
                  .query("Any ideas for dinner tonight?")
                  .timeout(Duration.ofMillis(100))
                  .build());

      assertThat(pack.degraded()).isTrue();
      assertThat(pack.isEmpty()).isFalse();
      assertThat(pack.context()).contains("Ann").contains("short answers").contains("vegetarian");
      assertThat(pack.missingBlocks()).containsExactly(BlockType.SESSION, BlockType.HISTORY);
    }
  }

  @Test
  void aPackInTimeLeavesNothingOut() {
    try (Attune attune =
        Attune.builder().store(new InMemoryStore()).embedder(new HashingEmbedder()).build()) {
      attune.observe(
          ObserveRequest.builder(T, ANN)
              .messages(List.of(Message.user("I'm vegetarian.")))
              .build());
      ContextPack pack =
          attune.context(
              ContextRequest.builder(T, ANN)
                  .query("dinner")
                  .timeout(Duration.ofSeconds(10))
                  .build());
      assertThat(pack.degraded()).isFalse();
      assertThat(pack.missingBlocks()).isEmpty();
    }
  }
}
