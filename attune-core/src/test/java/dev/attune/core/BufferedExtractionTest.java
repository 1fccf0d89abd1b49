package dev.attune.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.attune.core.api.ContextRequest;
import dev.attune.core.api.ExtractionBacklog;
import dev.attune.core.api.ExtractionBuffer;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.api.ObserveResult;
import dev.attune.core.learning.HeuristicExtractor;
import dev.attune.core.model.ChangeKind;
import dev.attune.core.model.ExtractionException;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryChange;
import dev.attune.core.model.MemoryStatus;
import dev.attune.core.model.Message;
import dev.attune.core.model.Role;
import dev.attune.core.model.StoreException;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.Candidate;
import dev.attune.core.port.ConsolidationJudge;
import dev.attune.core.port.ExtractionRequest;
import dev.attune.core.port.Extractor;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.port.Store;
import dev.attune.core.port.UserWrite;
import dev.attune.core.testing.HashingEmbedder;
import dev.attune.core.testing.InMemoryStore;
import dev.attune.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The extraction buffer of batched extractors (chat models), with a scripted extractor. */
class BufferedExtractionTest {
  static final TenantId T = TenantId.of("acme-app");
  static final UserId ALICE = UserId.of("alice");

  /** How many writes that complete an extraction die, as a process killed at that point would. */
  final AtomicInteger crashes = new AtomicInteger();

  /** How often the background flusher asked which users have messages awaiting extraction. */
  final AtomicInteger polls = new AtomicInteger();

  final InMemoryStore store =
      new InMemoryStore() {
        @Override
        public synchronized List<AwaitingExtraction> awaitingExtraction(Instant now, int limit) {
          polls.incrementAndGet();
          return super.awaitingExtraction(now, limit);
        }

        @Override
        public synchronized void write(TenantId tenant, UserId user, UserWrite write) {
          if (!write.extracted().isEmpty() && crashes.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new StoreException("the process died", false, null);
          }
          super.write(tenant, user, write);
        }
      };
  final MutableClock clock = MutableClock.at("2025-03-01T09:00:00Z");
  final ScriptedExtractor extractor = new ScriptedExtractor();

  /** The offline rules, but batched, counting calls, and failing when told to. */
  static final class ScriptedExtractor implements Extractor {
    final HeuristicExtractor rules = new HeuristicExtractor();
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    final AtomicInteger failuresLeft = new AtomicInteger();
    // When set, the first call waits for it (a model call in progress), after counting `entered`.
    volatile @Nullable CountDownLatch firstCallHeld;
    final CountDownLatch entered = new CountDownLatch(1);

    @Override
    public String id() {
      return "scripted";
    }

    @Override
    public boolean batched() {
      return true;
    }

    @Override
    public List<Candidate> extract(ExtractionRequest request) {
      batchSizes.add(request.messages().size());
      CountDownLatch held = firstCallHeld;
      if (held != null && batchSizes.size() == 1) {
        entered.countDown();
        try {
          held.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new ExtractionException("the model answered garbage three times");
      }
      return rules.extract(request);
    }
  }

  private Attune attune(Store s, ExtractionBuffer buffer, ConsolidationJudge judge) {
    return Attune.builder()
        .store(s)
        .embedder(new HashingEmbedder())
        .clock(clock)
        .extractor(extractor)
        .extractionBuffer(buffer)
        .judge(judge)
        .build();
  }

  private static ExtractionBuffer manual() {
    // Batches never fill and users never go quiet on their own: tests flush explicitly.
    return new ExtractionBuffer(
        1000, Duration.ofDays(1), Duration.ofMinutes(10), Duration.ofSeconds(30), 1);
  }

  private static Message user(String id, String text) {
    return new Message(Role.USER, text, id, null, null);
  }

  private List<String> memories() {
    return store.memories(T, ALICE, MemoryQuery.active()).stream().map(Memory::text).toList();
  }

  @Test
  void aFlushWhileTheUsersBatchIsWithTheModelLeavesItToThatCall() throws Exception {
    // The background flusher and an explicit flush are two threads of one process: the store's
    // claim is this node's for both, so without a guard both would send the batch to the model.
    try (Attune attune = attune(store, manual(), null);
        ExecutorService other = Executors.newSingleThreadExecutor()) {
      attune.observe(
          ObserveRequest.builder(T, ALICE)
              .sessionId("s1")
              .messages(List.of(user("m1", "I live in Lisbon.")))
              .build());
      CountDownLatch model = new CountDownLatch(1);
      extractor.firstCallHeld = model;
      Future<ObserveResult> first = other.submit(() -> attune.flushExtraction(T, ALICE));
      ObserveResult second;
      try {
        assertThat(extractor.entered.await(10, TimeUnit.SECONDS)).isTrue();
        second = attune.flushExtraction(T, ALICE);
      } finally {
        model.countDown();
      }

      assertThat(second.added()).isEmpty();
      assertThat(second.awaitingExtraction()).isEqualTo(1);
      assertThat(first.get(10, TimeUnit.SECONDS).added()).isNotEmpty();
      assertThat(extractor.batchSizes).containsExactly(1);
      assertThat(attune.extractionBacklog(T).awaiting()).isZero();
    }
  }

  @Test
  void messagesAreStoredAtOnceAndExtractedTogetherInOneCall() {
    try (Attune attune = attune(store, manual(), null)) {
      ObserveResult first =
          attune.observe(
              ObserveRequest.builder(T, ALICE)
                  .sessionId("s1")
                  .messages(List.of(user("m1", "I love surfing.")))
                  .build());
      attune.observe(
          ObserveRequest.builder(T, ALICE)
              .sessionId("s1")
              .messages(List.of(user("m2", "I live in Lisbon.")))
              .build());
      attune.observe(
          ObserveRequest.builder(T, ALICE)
              .sessionId("s1")
              .messages(List.of(user("m3", "I am a nurse.")))
              .build());
      assertThat(first.stored()).isEqualTo(1);
      assertThat(first.awaitingExtraction()).isEqualTo(1);
      assertThat(extractor.batchSizes).isEmpty();
      assertThat(memories()).isEmpty();
      assertThat(attune.extractionBacklog(T).awaiting()).isEqualTo(3);
      // Stored messages are searchable before extraction.
      assertThat(
              attune
                  .context(ContextRequest.builder(T, ALICE).query("surfing").maxTokens(500).build())
                  .context())
          .contains("surfing");

      ObserveResult flushed = attune.flushExtraction(T, ALICE);

      assertThat(extractor.batchSizes).containsExactly(3);
      assertThat(flushed.added()).hasSizeGreaterThanOrEqualTo(3);
      assertThat(memories()).anyMatch(t -> t.contains("Lisbon")).anyMatch(t -> t.contains("nurse"));
      assertThat(attune.extractionBacklog(T).awaiting()).isZero();
      // Observing the same ids again changes nothing and buffers nothing.
      ObserveResult again =
          attune.observe(
              ObserveRequest.builder(T, ALICE)
                  .sessionId("s1")
                  .messages(List.of(user("m1", "I love surfing.")))
                  .build());
      assertThat(again.duplicates()).isEqualTo(1);
      assertThat(attune.extractionBacklog(T).awaiting()).isZero();
    }
  }

  @Test
  void aFullBatchOrAQuietUserIsFlushedInTheBackground() throws Exception {
    ExtractionBuffer buffer =
        new ExtractionBuffer(
            4, Duration.ofMinutes(5), Duration.ofMillis(20), Duration.ofSeconds(30), 2);
    try (Attune attune = attune(store, buffer, null)) {
      List<Message> four = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        four.add(user("m" + i, "I love hobby number " + i + "."));
      }
      attune.observe(ObserveRequest.builder(T, ALICE).sessionId("s1").messages(four).build());
      await().until(() -> extractor.batchSizes.size() == 1);
      assertThat(extractor.batchSizes).containsExactly(4);

      attune.observe(
          ObserveRequest.builder(T, ALICE)
              .sessionId("s1")
              .messages(List.of(user("m9", "I live in Lisbon.")))
              .build());
      // One message, not quiet yet: the flusher looks (twice) and leaves it.
      int looked = polls.get();
      await().until(() -> polls.get() >= looked + 2);
      assertThat(extractor.batchSizes).hasSize(1);
      clock.advance(Duration.ofMinutes(6));
      await().until(() -> extractor.batchSizes.size() == 2);
      await().until(() -> memories().stream().anyMatch(t -> t.contains("Lisbon")));
    }
  }

  @Test
  void aFailingBatchIsKeptCountedAndRetriedLaterNeverDropped() {
    extractor.failuresLeft.set(2);
    try (Attune attune = attune(store, manual(), null)) {
      attune.observe(
          ObserveRequest.builder(T, ALICE)
              .sessionId("s1")
              .messages(List.of(user("m1", "I live in Lisbon.")))
              .build());

      ObserveResult failed = attune.flushExtraction(T, ALICE);
      assertThat(failed.awaitingExtraction()).isEqualTo(1);
      assertThat(attune.extractionBacklog(T)).isEqualTo(new ExtractionBacklog(1, 1));
      // Not due again before the retry time (30 s after the first failure).
      attune.flushExtraction(T, ALICE);
      assertThat(extractor.batchSizes).hasSize(1);

      clock.advance(Duration.ofSeconds(31));
      attune.flushExtraction(T, ALICE); // fails again: the wait doubles to 60 s
      clock.advance(Duration.ofSeconds(31));
      attune.flushExtraction(T, ALICE);
      assertThat(extractor.batchSizes).hasSize(2);
      clock.advance(Duration.ofSeconds(30));
      attune.flushExtraction(T, ALICE);

      assertThat(extractor.batchSizes).hasSize(3);
      assertThat(memories()).anyMatch(t -> t.contains("Lisbon"));
      assertThat(attune.extractionBacklog(T)).isEqualTo(new ExtractionBacklog(0, 0));
    }
  }

  @Test
  void aCrashBetweenExtractionAndConsolidationLosesNothingAndDuplicatesNothing() {
    crashes.set(1);
    try (Attune attune = attune(store, manual(), null)) {
      attune.observe(
          ObserveRequest.builder(T, ALICE)
              .sessionId("s1")
              .messages(List.of(user("m1", "I live in Lisbon."), user("m2", "I love surfing.")))
              .build());
      try {
        attune.flushExtraction(T, ALICE);
      } catch (StoreException expected) {
        // the crash
      }
      assertThat(memories()).isEmpty();
      assertThat(attune.extractionBacklog(T).awaiting()).isEqualTo(2);
    }
    // Restarted over the same store: the batch is extracted again, once.
    try (Attune restarted = attune(store, manual(), null)) {
      restarted.flushExtraction(T, ALICE);
      restarted.flushExtraction(T, ALICE);
    }
    assertThat(extractor.batchSizes).containsExactly(2, 2);
    assertThat(memories().stream().filter(t -> t.contains("Lisbon"))).hasSize(1);
    assertThat(memories().stream().filter(t -> t.contains("surfing"))).hasSize(1);
    assertThat(store.extractionBacklog(T).awaiting()).isZero();
  }

  @Test
  void aJudgeDecidesCloseCallsAndNeverDeletes() {
    List<ConsolidationJudge.Case> asked = new ArrayList<>();
    ConsolidationJudge supersedeAll =
        new ConsolidationJudge() {
          @Override
          public String id() {
            return "scripted";
          }

          @Override
          public List<Decision> judge(TenantId tenant, List<Case> cases) {
            asked.addAll(cases);
            return cases.stream()
                .map(c -> new Decision(c.index(), Action.SUPERSEDE, c.close().get(0).id()))
                .toList();
          }
        };
    try (Attune attune = attune(store, manual(), supersedeAll)) {
      attune.observe(
          ObserveRequest.builder(T, ALICE)
              .sessionId("s1")
              .messages(List.of(user("m1", "I love green tea.")))
              .build());
      attune.flushExtraction(T, ALICE);
      attune.observe(
          ObserveRequest.builder(T, ALICE)
              .sessionId("s1")
              .messages(List.of(user("m2", "I love green tea with fresh mint leaves.")))
              .build());
      attune.flushExtraction(T, ALICE);

      assertThat(asked).hasSize(1);
      List<Memory> all = store.memories(T, ALICE, MemoryQuery.all());
      Memory old =
          all.stream().filter(m -> m.text().equals("User loves green tea.")).findFirst().get();
      assertThat(old.status()).isEqualTo(MemoryStatus.SUPERSEDED);
      assertThat(memories()).containsExactly("User loves green tea with fresh mint leaves.");
      List<MemoryChange> history = attune.history(T, ALICE, old.id());
      assertThat(history)
          .anySatisfy(
              c -> {
                assertThat(c.kind()).isEqualTo(ChangeKind.SUPERSEDED);
                assertThat(c.actor()).isEqualTo("judge:scripted");
              });
    }
  }
}
