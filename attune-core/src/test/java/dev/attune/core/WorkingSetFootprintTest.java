package dev.attune.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.core.api.ContextRequest;
import dev.attune.core.api.NewMemory;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.model.Category;
import dev.attune.core.model.Message;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.retrieval.TextAnalyzer;
import dev.attune.core.retrieval.WorkingSet;
import dev.attune.core.testing.HashingEmbedder;
import dev.attune.core.testing.InMemoryStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * The working-set cache is bounded by {@code cache_bytes} as its weigher estimates each set, so the
 * estimate must be near what a set really holds once it has served requests (its per-document memo
 * filled). Measured with JOL over the set's own object graph (the analyzer every set shares is left
 * out), for a user shaped like the soak's: a hundred memories, chats with long assistant replies.
 */
class WorkingSetFootprintTest {
  static final TenantId T = TenantId.of("t");
  static final UserId U = UserId.of("u");
  static final String[] WORDS =
      ("garden bike Lisbon coffee python kotlin deploy review dentist salary vacation recipe guitar"
              + " marathon cat vegan budget mortgage flight hotel meeting deadline kids school"
              + " novel jazz museum hiking camera laptop printer invoice tax insurance doctor")
          .split(" ");

  static {
    // JOL reads records' field offsets this way on JDK 21+ (before its VM support loads).
    System.setProperty("jol.magicFieldOffset", "true");
  }

  @Test
  void theCachesEstimateOfAServedWorkingSetIsWithinAQuarterOfItsMeasuredSize() {
    try (Attune attune =
        Attune.builder()
            .store(new InMemoryStore())
            .embedder(new HashingEmbedder("hash-384", 384))
            .build()) {
      Random random = new Random(7);
      for (int i = 0; i < 100; i++) {
        attune.addMemory(
            T,
            U,
            NewMemory.of("User " + sentence(random, 8 + random.nextInt(10)), Category.FACT),
            "t");
      }
      int id = 0;
      for (int session = 0; session < 20; session++) {
        List<Message> messages = new ArrayList<>();
        for (int turn = 0; turn < 5; turn++) {
          messages.add(
              new Message(
                  Role.USER, sentence(random, 8 + random.nextInt(30)), "m" + id++, null, null));
          // Replies of a few sentences to several paragraphs (some split into passages).
          messages.add(
              new Message(
                  Role.ASSISTANT,
                  sentence(random, 30 + random.nextInt(250)),
                  "m" + id++,
                  null,
                  null));
        }
        attune.observe(
            ObserveRequest.builder(T, U).sessionId("s" + session).messages(messages).build());
      }
      for (int q = 0; q < 60; q++) {
        attune.context(
            ContextRequest.builder(T, U).query(sentence(random, 6)).maxTokens(1000).build());
      }
      // Then messages the cached set takes in incrementally, and more requests.
      for (int session = 20; session < 30; session++) {
        attune.observe(
            ObserveRequest.builder(T, U)
                .sessionId("s" + session)
                .messages(
                    List.of(
                        new Message(Role.USER, sentence(random, 20), "m" + id++, null, null),
                        new Message(Role.ASSISTANT, sentence(random, 120), "m" + id++, null, null)))
                .build());
        attune.context(
            ContextRequest.builder(T, U).query(sentence(random, 6)).maxTokens(1000).build());
      }
      WorkingSet ws = attune.cachedWorkingSet(T, U);
      assertThat(ws).isNotNull();
      assertThat(ws.episodes()).hasSize(220);

      long measured =
          GraphLayout.parseInstance(ws)
              .subtract(GraphLayout.parseInstance(TextAnalyzer.english(), U))
              .totalSize();
      long estimated = ws.estimatedBytes();
      System.out.printf(
          "working set: measured %,d bytes, estimated %,d (%.2fx)%n",
          measured, estimated, (double) estimated / measured);
      assertThat((double) estimated / measured).isBetween(0.8, 1.25);
    }
  }

  static String sentence(Random random, int words) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < words; i++) {
      s.append(i == 0 ? "" : i % 12 == 0 ? ". " : " ").append(WORDS[random.nextInt(WORDS.length)]);
    }
    return s.append('.').toString();
  }
}
