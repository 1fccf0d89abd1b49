package dev.attune.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.core.api.ContextItem;
import dev.attune.core.api.ContextRequest;
import dev.attune.core.api.MemoryEdit;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.model.Category;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.ItemKind;
import dev.attune.core.model.Memory;
import dev.attune.core.model.Message;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.retrieval.DecayPolicy;
import dev.attune.core.testing.HashingEmbedder;
import dev.attune.core.testing.InMemoryStore;
import dev.attune.core.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DecayTest {
  static final TenantId T = TenantId.of("acme-app");
  static final UserId ALICE = UserId.of("alice");

  final MutableClock clock = MutableClock.at("2025-03-01T09:00:00Z");
  // Goals halve every 30 days here; the threshold is 0.2.
  final DecayPolicy decay =
      new DecayPolicy(
          Map.of(Category.GOAL, Duration.ofDays(30), Category.PREFERENCE, Duration.ofDays(30)),
          0.2);
  final Attune attune =
      Attune.builder()
          .store(new InMemoryStore())
          .embedder(new HashingEmbedder())
          .clock(clock)
          .decayPolicy(decay)
          .build();

  @AfterEach
  void close() {
    attune.close();
  }

  private void say(String id, String text) {
    attune.observe(
        ObserveRequest.builder(T, ALICE)
            .messages(List.of(new Message(Role.USER, text, id, null, null)))
            .build());
  }

  private List<String> injectedMemories(String query) {
    ContextRequest.Builder b = ContextRequest.builder(T, ALICE).maxTokens(2000);
    if (query != null) {
      b.query(query);
    }
    return attune
        .context(b.build())
        .items()
        .filter(i -> i.kind() == ItemKind.FACT)
        .map(ContextItem::text)
        .toList();
  }

  private Memory only(String fragment) {
    return attune.memories(T, ALICE, MemoryQuery.active()).stream()
        .filter(m -> m.text().contains(fragment))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void confidenceHalvesEveryHalfLifeSinceTheFactWasLastStated() {
    say("m1", "I want to run a marathon.");
    Memory goal = only("marathon");
    assertThat(goal.category()).isEqualTo(Category.GOAL);
    double start = goal.confidence();

    assertThat(decay.effectiveConfidence(goal, clock.instant())).isEqualTo(start);
    clock.advance(Duration.ofDays(30));
    assertThat(decay.effectiveConfidence(goal, clock.instant())).isCloseTo(start / 2, within());
    clock.advance(Duration.ofDays(30));
    assertThat(decay.effectiveConfidence(goal, clock.instant())).isCloseTo(start / 4, within());
  }

  @Test
  void aFadedMemoryIsNotInjectedButStaysListedUntilStatedAgain() {
    say("m1", "I want to run a marathon.");
    assertThat(injectedMemories("marathon training")).anyMatch(t -> t.contains("marathon"));
    assertThat(injectedMemories(null)).anyMatch(t -> t.contains("marathon"));

    clock.advance(Duration.ofDays(120)); // four half-lives: well below 0.2
    Memory faded = only("marathon");
    assertThat(decay.isDormant(faded, clock.instant())).isTrue();
    assertThat(injectedMemories("marathon training")).noneMatch(t -> t.contains("marathon"));
    assertThat(injectedMemories(null)).noneMatch(t -> t.contains("marathon"));
    // Still the user's: listed, active.
    assertThat(attune.memories(T, ALICE, MemoryQuery.active())).contains(faded);

    // Stated again: reinforced, confirmed now, injected again.
    say("m2", "I want to run a marathon.");
    Memory renewed = only("marathon");
    assertThat(renewed.id()).isEqualTo(faded.id());
    assertThat(renewed.lastConfirmedAt()).isEqualTo(clock.instant());
    assertThat(decay.isDormant(renewed, clock.instant())).isFalse();
    assertThat(injectedMemories("marathon training")).anyMatch(t -> t.contains("marathon"));
  }

  @Test
  void pinnedAndEditedMemoriesDoNotDecay() {
    say("m1", "I want to run a marathon.");
    say("m2", "I love green tea.");
    Memory goal = only("marathon");
    Memory tea = only("green tea");
    attune.editMemory(T, ALICE, goal.id(), new MemoryEdit(null, null, true), "user");
    attune.editMemory(
        T, ALICE, tea.id(), new MemoryEdit("User loves jasmine tea.", null, null), "u");

    clock.advance(Duration.ofDays(3650));
    assertThat(decay.effectiveConfidence(only("marathon"), clock.instant()))
        .isEqualTo(only("marathon").confidence());
    assertThat(decay.isDormant(only("jasmine"), clock.instant())).isFalse();
    assertThat(injectedMemories("marathon")).anyMatch(t -> t.contains("marathon"));
    assertThat(injectedMemories("tea")).anyMatch(t -> t.contains("jasmine"));
  }

  @Test
  void categoriesWithoutAHalfLifeDoNotDecay() {
    say("m1", "I live in Lisbon.");
    clock.advance(Duration.ofDays(3650));
    Memory home = only("Lisbon");
    assertThat(decay.effectiveConfidence(home, clock.instant())).isEqualTo(home.confidence());
    assertThat(injectedMemories("where do I live")).anyMatch(t -> t.contains("Lisbon"));
  }

  @Test
  void theDefaultsDecayGoalsFasterThanIdentity() {
    DecayPolicy d = DecayPolicy.defaults();
    assertThat(d.halfLives().get(Category.GOAL)).isLessThan(d.halfLives().get(Category.IDENTITY));
    assertThat(DecayPolicy.none().halfLives()).isEmpty();
  }

  @Test
  void badPoliciesAreRefusedWithTheFieldNamed() {
    assertThatThrownBy(() -> new DecayPolicy(Map.of(Category.GOAL, Duration.ZERO), 0.2))
        .isInstanceOf(InvalidRequestException.class)
        .extracting(e -> ((InvalidRequestException) e).field())
        .isEqualTo("decay.half_life.goal");
    assertThatThrownBy(() -> new DecayPolicy(Map.of(), 1.5))
        .isInstanceOf(InvalidRequestException.class)
        .extracting(e -> ((InvalidRequestException) e).field())
        .isEqualTo("decay.threshold");
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }
}
