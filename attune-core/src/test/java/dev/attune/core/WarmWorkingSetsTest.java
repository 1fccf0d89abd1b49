package dev.attune.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.core.api.ObserveRequest;
import dev.attune.core.model.Message;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.testing.HashingEmbedder;
import dev.attune.core.testing.InMemoryStore;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** After a restart, the recently active users' working sets are loaded before any request. */
class WarmWorkingSetsTest {
  static final TenantId T = TenantId.of("t");

  @Test
  void theMostRecentlyActiveUsersAreLoadedUpToTheirNumberAndTheNeverObservedAreNot() {
    InMemoryStore store = new InMemoryStore();
    List<UserId> users = Stream.of("ann", "bob", "cat").map(UserId::of).toList();
    try (Attune before = Attune.builder().store(store).embedder(new HashingEmbedder()).build()) {
      for (UserId u : users) {
        before.observe(
            ObserveRequest.builder(T, u)
                .messages(
                    List.of(
                        new Message(
                            Role.USER, "I live in Porto, says " + u.value(), null, null, null)))
                .build());
      }
      before.effects().flush(); // the users' activity is written in the background
    }
    try (Attune after = Attune.builder().store(store).embedder(new HashingEmbedder()).build()) {
      assertThat(users).allMatch(u -> after.cachedWorkingSet(T, u) == null);

      assertThat(after.warmWorkingSets(2, Duration.ofSeconds(10))).isEqualTo(2);
      assertThat(users.stream().filter(u -> after.cachedWorkingSet(T, u) != null)).hasSize(2);

      // No time left: nothing more is loaded.
      after.clearCaches();
      assertThat(after.warmWorkingSets(10, Duration.ZERO)).isZero();
      // Enough room: every observed user, and no one else.
      assertThat(after.warmWorkingSets(10, Duration.ofSeconds(10))).isEqualTo(3);
    }
  }
}
