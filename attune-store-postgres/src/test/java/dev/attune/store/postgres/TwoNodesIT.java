package dev.attune.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.attune.core.Attune;
import dev.attune.core.api.ContextRequest;
import dev.attune.core.api.ExtractionBuffer;
import dev.attune.core.api.NewMemory;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.learning.HeuristicExtractor;
import dev.attune.core.model.Category;
import dev.attune.core.model.Memory;
import dev.attune.core.model.Message;
import dev.attune.core.model.Observation;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.Candidate;
import dev.attune.core.port.ExtractionRequest;
import dev.attune.core.port.Extractor;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.testing.HashingEmbedder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two Attune nodes, each with its own pool and cache, on one PostgreSQL: they behave as one
 * service. Changes through either are in the other's context within a second, an erasure leaves
 * nothing served by the other, and queued observations are processed once, not once per node.
 */
class TwoNodesIT {
  static final TenantId T = TenantId.of("acme");
  static final UserId ANN = UserId.of("ann");

  Attune a;
  Attune b;

  @BeforeEach
  void start() {
    String url = TestDatabase.url(TestDatabase.newDatabase());
    a = Attune.builder().store(PostgresStore.open(url)).embedder(new HashingEmbedder()).build();
    b = Attune.builder().store(PostgresStore.open(url)).embedder(new HashingEmbedder()).build();
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
  }

  private static String context(Attune node) {
    return node.context(
            ContextRequest.builder(T, ANN).query("what does ann like").maxTokens(500).build())
        .context();
  }

  /** How long until {@code condition} held (for the log: benchmarks measure time), at most 5 s. */
  private static Duration until(BooleanSupplier condition) {
    long start = System.nanoTime();
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(5))
        .until(condition::getAsBoolean);
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Test
  void writesAndErasuresThroughOneNodeReachTheOther() throws Exception {
    a.addMemory(T, ANN, NewMemory.of("Ann likes jazz.", Category.PREFERENCE), "test");
    assertThat(context(b)).contains("jazz"); // b now holds Ann's working set in its cache

    Memory tea =
        a.addMemory(T, ANN, NewMemory.of("Ann likes green tea.", Category.PREFERENCE), "t");
    Duration added = until(() -> context(b).contains("green tea"));

    a.deleteMemory(T, ANN, tea.id(), "test");
    Duration deleted = until(() -> !context(b).contains("green tea"));

    b.addMemory(T, ANN, NewMemory.of("Ann likes hiking.", Category.PREFERENCE), "test");
    Duration otherWay = until(() -> context(a).contains("hiking"));

    assertThat(context(a)).contains("jazz");
    a.forget(T, ANN);
    Duration erased = until(() -> !context(b).contains("jazz") && !context(b).contains("hiking"));
    assertThat(b.memories(T, ANN, MemoryQuery.all())).isEmpty();

    System.out.printf(
        "seen by the other node after: add %d ms, delete %d ms, add (b->a) %d ms, erase %d ms%n",
        added.toMillis(), deleted.toMillis(), otherWay.toMillis(), erased.toMillis());
  }

  /** The offline rules as a slow, batched (model-like) extractor that counts its calls. */
  static final class CountingExtractor implements Extractor {
    final HeuristicExtractor rules = new HeuristicExtractor();
    final AtomicInteger calls;

    CountingExtractor(AtomicInteger calls) {
      this.calls = calls;
    }

    @Override
    public String id() {
      return "counting";
    }

    @Override
    public boolean batched() {
      return true;
    }

    @Override
    public List<Candidate> extract(ExtractionRequest request) {
      calls.incrementAndGet();
      try {
        Thread.sleep(300); // a model call: long enough for the other node to try too
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return rules.extract(request);
    }
  }

  @Test
  void aBufferedBatchIsExtractedByOneNodeOnly() throws Exception {
    String url = TestDatabase.url(TestDatabase.newDatabase());
    AtomicInteger calls = new AtomicInteger();
    // Flushed by hand below: batches never fill and users never go quiet on their own.
    ExtractionBuffer manual =
        new ExtractionBuffer(
            1000, Duration.ofDays(1), Duration.ofMinutes(10), Duration.ofSeconds(30), 1);
    try (Attune x =
            Attune.builder()
                .store(PostgresStore.open(url))
                .embedder(new HashingEmbedder())
                .extractor(new CountingExtractor(calls))
                .extractionBuffer(manual)
                .build();
        Attune y =
            Attune.builder()
                .store(PostgresStore.open(url))
                .embedder(new HashingEmbedder())
                .extractor(new CountingExtractor(calls))
                .extractionBuffer(manual)
                .build()) {
      x.observe(
          ObserveRequest.builder(T, ANN)
              .sessionId("s1")
              .messages(List.of(new Message(Role.USER, "I live in Lisbon.", "m1", null, null)))
              .build());
      y.observe(
          ObserveRequest.builder(T, ANN)
              .sessionId("s1")
              .messages(List.of(new Message(Role.USER, "I love surfing.", "m2", null, null)))
              .build());

      var both = java.util.concurrent.Executors.newFixedThreadPool(2);
      var fx = both.submit(() -> x.flushExtraction(T, ANN));
      var fy = both.submit(() -> y.flushExtraction(T, ANN));
      fx.get();
      fy.get();
      both.shutdown();

      assertThat(calls.get()).as("model calls for one batch").isEqualTo(1);
      assertThat(x.memories(T, ANN, MemoryQuery.active()))
          .extracting(Memory::text)
          .containsExactlyInAnyOrder("User lives in Lisbon.", "User loves surfing.");
      assertThat(y.extractionBacklog(T).awaiting()).isZero();
      // The claim was given back: the next batch is extracted again, by whichever node asks.
      y.observe(
          ObserveRequest.builder(T, ANN)
              .sessionId("s1")
              .messages(List.of(new Message(Role.USER, "I am a nurse.", "m3", null, null)))
              .build());
      y.flushExtraction(T, ANN);
      assertThat(calls.get()).isEqualTo(2);
    }
  }

  @Test
  void queuedObservationsAreProcessedOnceAcrossNodes() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int u = 0; u < 6; u++) {
      UserId user = UserId.of("user-" + u);
      for (int i = 0; i < 4; i++) {
        Attune via = (u + i) % 2 == 0 ? a : b;
        ids.add(
            via.submit(
                ObserveRequest.builder(T, user)
                    .sessionId("s1")
                    .messages(
                        List.of(
                            new Message(
                                Role.USER,
                                "I love hobby number " + u + "x" + i + ".",
                                null,
                                null,
                                null)))
                    .actor("test")
                    .build()));
      }
    }
    for (String id : ids) {
      Observation done = a.awaitObservation(T, id, Duration.ofSeconds(30)).orElseThrow();
      assertThat(done.state()).isEqualTo(Observation.State.DONE);
      assertThat(done.attempts()).as("processed once").isEqualTo(1);
    }
    for (int u = 0; u < 6; u++) {
      List<Memory> learned = a.memories(T, UserId.of("user-" + u), MemoryQuery.all());
      assertThat(learned).hasSize(4); // one per message: no message learned twice
      assertThat(learned.stream().map(Memory::text).distinct()).hasSize(4);
    }
  }
}
