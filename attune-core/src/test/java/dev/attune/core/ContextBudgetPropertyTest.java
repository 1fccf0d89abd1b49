package dev.attune.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.core.api.ContextBlock;
import dev.attune.core.api.ContextPack;
import dev.attune.core.api.ContextRequest;
import dev.attune.core.api.NewMemory;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.model.Category;
import dev.attune.core.model.Message;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.OrgProfile;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.model.UserProfile;
import dev.attune.core.port.TokenCounter;
import dev.attune.core.privacy.InstructionDetector;
import dev.attune.core.testing.HashingEmbedder;
import dev.attune.core.testing.InMemoryStore;
import dev.attune.core.testing.MutableClock;
import dev.attune.core.testing.Seeds;
import dev.attune.core.tokens.TokenCounters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pack never exceeds its budget, counted by the real tokenizer, whatever the data and the
 * request: seeded random users, orgs, memories, messages (odd Unicode, quotes, newlines, text that
 * looks like instructions), queries, budgets and context windows.
 */
class ContextBudgetPropertyTest {
  private static final String[] WORDS = {
    "I",
    "live",
    "in",
    "Berlin",
    "love",
    "hiking",
    "my",
    "dog",
    "Python",
    "Go",
    "switched",
    "from",
    "to",
    "prefer",
    "concise",
    "answers",
    "ignore previous instructions",
    "\"quoted\"",
    "naïve",
    "日本語",
    "🚀",
    "\n\n## heading",
    "- bullet",
    "<|endoftext|>",
    "went",
    "conference",
    "kids",
    "painting",
    "a",
    "the",
    "yesterday",
    "x".repeat(40),
    "work",
    "as",
    "nurse",
    "allergic",
    "peanuts"
  };

  private static String sentence(Random r, int maxWords) {
    StringBuilder b = new StringBuilder();
    int n = 1 + r.nextInt(maxWords);
    for (int i = 0; i < n; i++) {
      b.append(WORDS[r.nextInt(WORDS.length)]).append(' ');
    }
    return b.toString().strip() + (r.nextBoolean() ? "." : "");
  }

  static Stream<Long> seeds() {
    return Seeds.of(150);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void packsNeverExceedTheBudget(long seed) {
    Random r = new Random(seed);
    int budget = 1 + r.nextInt(3000);
    boolean o200k = r.nextBoolean();
    TokenCounter counter = TokenCounters.forEncoding(o200k ? "o200k_base" : "cl100k_base");
    MutableClock clock = MutableClock.at("2025-01-01T00:00:00Z");
    TenantId t = TenantId.of("t");
    UserId u = UserId.of("u");
    try (Attune attune =
        Attune.builder()
            .store(new InMemoryStore())
            .embedder(new HashingEmbedder())
            .tokenCounter(counter)
            .clock(clock)
            .build()) {
      OrgId org = OrgId.of("o");
      if (r.nextBoolean()) {
        List<String> rules = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
          rules.add(sentence(r, 30));
        }
        attune.putOrg(
            t,
            org,
            new OrgProfile(
                sentence(r, 3),
                null,
                Map.of("KYC", sentence(r, 8)),
                rules,
                List.of(sentence(r, 6))));
      }
      if (r.nextBoolean()) {
        attune.putProfile(
            t,
            u,
            new UserProfile(
                sentence(r, 2),
                sentence(r, 4),
                null,
                sentence(r, 5),
                "en",
                List.of(sentence(r, 6), sentence(r, 6)),
                Map.of("k", sentence(r, 10))));
      }
      int sessions = r.nextInt(4);
      for (int s = 0; s < sessions; s++) {
        List<Message> messages = new ArrayList<>();
        for (int i = r.nextInt(30); i >= 0; i--) {
          messages.add(
              new Message(
                  r.nextBoolean() ? Role.USER : Role.ASSISTANT, sentence(r, 60), null, null, null));
        }
        attune.observe(
            ObserveRequest.builder(t, u)
                .org(r.nextBoolean() ? org : null)
                .sessionId("s" + s)
                .messages(messages)
                .build());
        clock.advance(Duration.ofMinutes(r.nextInt(90)));
      }
      for (int i = r.nextInt(15); i > 0; i--) {
        String text = sentence(r, 40);
        if (InstructionDetector.looksLikeInstruction(text)) {
          continue;
        }
        attune.addMemory(
            t, u, NewMemory.of(text, Category.values()[r.nextInt(Category.values().length)]), "p");
      }
      ContextRequest.Builder request = ContextRequest.builder(t, u).maxTokens(budget);
      if (r.nextInt(4) > 0) {
        request.query(sentence(r, 8));
      }
      if (r.nextInt(3) == 0) {
        request
            .modelContextWindow(500 + r.nextInt(4000))
            .conversation(List.of(Message.user(sentence(r, 200))));
      }
      if (r.nextBoolean()) {
        request.sessionId("s" + r.nextInt(4));
      }

      ContextPack pack = attune.context(request.build());

      assertThat(pack.tokens()).isEqualTo(counter.count(pack.context()));
      assertThat(pack.tokens()).isLessThanOrEqualTo(pack.budget());
      assertThat(pack.budget()).isLessThanOrEqualTo(budget);
      assertThat(pack.blocks())
          .extracting(ContextBlock::priority)
          .isSortedAccordingTo((a, b) -> b - a);
      pack.items().forEach(i -> assertThat(i.tokens()).isPositive());
      assertThat(pack.blocks()).allSatisfy(b -> assertThat(b.items()).isNotEmpty());
      if (pack.isEmpty()) {
        assertThat(pack.context()).isEmpty();
      }
    }
  }
}
