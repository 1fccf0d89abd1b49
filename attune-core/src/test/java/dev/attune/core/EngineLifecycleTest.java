package dev.attune.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.testing.HashingEmbedder;
import dev.attune.core.testing.InMemoryStore;
import java.time.Duration;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The engine owns its threads: wiring that fails halfway leaves none behind and closes the store;
 * close stops every one it started.
 */
class EngineLifecycleTest {
  /** The engine's threads alive now (other tests' engines included: compare before and after). */
  static Set<Thread> attuneThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> t.getName().startsWith("attune-"))
        .collect(Collectors.toSet());
  }

  /** A store whose change feed cannot be registered: wiring fails after some jobs are made. */
  static final class NoChangeFeed extends InMemoryStore {
    volatile boolean closed;

    @Override
    public void onExternalChange(BiConsumer<TenantId, UserId> changed, Runnable reset) {
      throw new IllegalStateException("the change feed is down");
    }

    @Override
    public void close() {
      closed = true;
      super.close();
    }
  }

  @Test
  void aBuildThatFailsWhileWiringLeavesNoThreadAndClosesTheStore() {
    Set<Thread> before = attuneThreads();
    NoChangeFeed store = new NoChangeFeed();

    assertThatThrownBy(
            () ->
                Attune.builder()
                    .store(store)
                    .embedder(new HashingEmbedder())
                    .retentionSweepEvery(Duration.ofHours(1))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the change feed is down");

    assertThat(store.closed).isTrue();
    Set<Thread> after = attuneThreads();
    after.removeAll(before);
    assertThat(after).as("threads left behind by the failed build").isEmpty();
  }

  @Test
  void closeStopsEveryThreadTheEngineStarted() {
    Set<Thread> before = attuneThreads();
    Attune attune =
        Attune.builder()
            .store(new InMemoryStore())
            .embedder(new HashingEmbedder())
            .retentionSweepEvery(Duration.ofHours(1))
            .build();
    Set<Thread> running = attuneThreads();
    running.removeAll(before);
    assertThat(running)
        .extracting(Thread::getName)
        .contains("attune-effects", "attune-observations", "attune-retention");

    attune.close();

    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> running.stream().noneMatch(Thread::isAlive));
  }

  @Test
  void closingTwiceReturnsAtOnce() {
    Attune attune =
        Attune.builder().store(new InMemoryStore()).embedder(new HashingEmbedder()).build();
    attune.close();
    // The second close waited 30 s on the effectiveness writer the first one had stopped.
    assertTimeoutPreemptively(Duration.ofSeconds(2), attune::close);
  }
}
