package dev.attune.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.core.api.ContextBlock;
import dev.attune.core.api.ContextItem;
import dev.attune.core.api.ContextPack;
import dev.attune.core.api.ContextRequest;
import dev.attune.core.api.MemoryEdit;
import dev.attune.core.api.NewMemory;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.api.ObserveResult;
import dev.attune.core.api.UserExport;
import dev.attune.core.effectiveness.ContextRecord;
import dev.attune.core.effectiveness.Correction;
import dev.attune.core.effectiveness.EffectivenessSummary;
import dev.attune.core.effectiveness.Experiment;
import dev.attune.core.effectiveness.Feedback;
import dev.attune.core.model.BlockType;
import dev.attune.core.model.ConflictException;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.Memory;
import dev.attune.core.model.Message;
import dev.attune.core.model.NotFoundException;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.OrgProfile;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.testing.HashingEmbedder;
import dev.attune.core.testing.InMemoryStore;
import dev.attune.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Context records, utilization, corrections, feedback and experiments through the engine. */
class EffectivenessTest {
  static final TenantId T = TenantId.of("acme-app");
  static final TenantId OTHER = TenantId.of("other-app");
  static final UserId ALICE = UserId.of("alice");
  static final UserId BOB = UserId.of("bob");

  final InMemoryStore store = new InMemoryStore();
  final MutableClock clock = MutableClock.at("2025-03-01T09:00:00Z");
  final Attune attune =
      Attune.builder().store(store).embedder(new HashingEmbedder()).clock(clock).build();

  @AfterEach
  void close() {
    attune.close();
  }

  ContextPack context(TenantId tenant, UserId user, String query) {
    return attune.context(ContextRequest.builder(tenant, user).query(query).maxTokens(500).build());
  }

  ObserveResult observe(UserId user, Message... messages) {
    return attune.observe(
        ObserveRequest.builder(T, user).sessionId("s1").messages(List.of(messages)).build());
  }

  /** Observes in a past session: its facts come back as facts, not as the session's turns. */
  void learn(UserId user, Message... messages) {
    attune.observe(
        ObserveRequest.builder(T, user).sessionId("past").messages(List.of(messages)).build());
    clock.advance(Duration.ofDays(1));
  }

  static Message user(String id, String text) {
    return new Message(Role.USER, text, id, null, null);
  }

  static Message reply(String id, String text, String contextId) {
    return new Message(Role.ASSISTANT, text, id, null, null, contextId);
  }

  Memory memory(UserId user, String text) {
    return attune.memories(T, user, dev.attune.core.port.MemoryQuery.active()).stream()
        .filter(m -> m.text().equals(text))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void everyPackHasAnIdAndARecordOfItsItemsWithoutTheirText() {
    observe(ALICE, user("m1", "I'm vegetarian."), user("m2", "I live in Lisbon."));

    ContextPack pack = context(T, ALICE, "what should I cook tonight");

    assertThat(pack.contextId()).matches("ctx_[0-9a-f]{24}");
    ContextRecord record = attune.effects().contextRecord(T, ALICE, pack.contextId());
    assertThat(record.tokens()).isEqualTo(pack.tokens());
    assertThat(record.budget()).isEqualTo(500);
    assertThat(record.items())
        .extracting(ContextRecord.Injected::id)
        .containsExactlyElementsOf(pack.items().map(ContextItem::id).toList());
    assertThat(record.toString()).doesNotContain("vegetarian").doesNotContain("Lisbon");
    assertThat(attune.export(T, ALICE).contexts())
        .extracting(ContextRecord::id)
        .contains(pack.contextId());
  }

  @Test
  void anotherUsersOrTenantsContextIsNotFoundTheSameWayAsAnUnknownOne() {
    observe(ALICE, user("m1", "I'm vegetarian."));
    String id = context(T, ALICE, "dinner").contextId();

    assertThatThrownBy(() -> attune.effects().contextRecord(T, BOB, id))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("context_id '" + id + "' is not a context of this user");
    assertThatThrownBy(() -> attune.effects().contextRecord(OTHER, ALICE, id))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("context_id '" + id + "' is not a context of this user");
    assertThatThrownBy(
            () -> attune.effects().contextRecord(T, ALICE, "ctx_000000000000000000000000"))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("context_id 'ctx_000000000000000000000000' is not a context of this user");
  }

  @Test
  void aReplyNamingItsPackIsMatchedWithTheItemsItUsed() {
    learn(ALICE, user("m1", "I'm vegetarian."), user("m2", "I have two cats."));
    ContextPack pack = context(T, ALICE, "vegetarian dinner ideas, my cats are hungry too");
    String vegetarian = memory(ALICE, "User is vegetarian.").id().value();
    assertThat(pack.items().map(ContextItem::id)).contains(vegetarian);

    observe(
        ALICE,
        user("m3", "What should I cook tonight?"),
        reply(
            "m4", "A vegetarian chickpea curry: no meat, ready in 25 minutes.", pack.contextId()));
    attune.effects().flush();

    ContextRecord record = attune.effects().contextRecord(T, ALICE, pack.contextId());
    assertThat(record.utilization()).isNotNull();
    assertThat(record.utilization().messageId()).isEqualTo("m4");
    assertThat(record.utilization().used()).contains(vegetarian);
    assertThat(record.utilization().used())
        .doesNotContain(memory(ALICE, "User has two cats.").id().value());
    EffectivenessSummary.Period total = summary().total();
    assertThat(total.utilizedContexts()).isEqualTo(1);
    assertThat(total.itemsUsedShare()).isGreaterThan(0).isLessThan(1);
  }

  @Test
  void aReplyNamingAnotherUsersPackChangesNothing() {
    observe(BOB, user("b1", "I'm vegetarian."));
    String bobs = context(T, BOB, "dinner").contextId();
    observe(ALICE, user("m1", "I like curry."));

    observe(ALICE, reply("m2", "A vegetarian curry.", bobs));
    attune.effects().flush();

    assertThat(attune.effects().contextRecord(T, BOB, bobs).utilization()).isNull();
    assertThat(summary().total().utilizedContexts()).isZero();
  }

  @Test
  void contradictingAnInjectedMemoryCountsACorrectionAgainstItAndItsPack() {
    learn(ALICE, user("m1", "I'm vegetarian."));
    Memory vegetarian = memory(ALICE, "User is vegetarian.");
    String contextId = context(T, ALICE, "vegetarian recipes").contextId();
    clock.advance(Duration.ofMinutes(1));

    observe(ALICE, user("m2", "No, I'm not vegetarian any more."));
    attune.effects().flush();

    assertThat(attune.export(T, ALICE).corrections())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.memory()).isEqualTo(vegetarian.id());
              assertThat(c.contextId()).isEqualTo(contextId);
              assertThat(c.kind()).isEqualTo(Correction.Kind.CONTRADICTED);
              assertThat(c.extracted()).isTrue();
            });
    EffectivenessSummary.Period total = summary().total();
    assertThat(total.corrections()).isEqualTo(1);
    assertThat(total.correctionsPer100Contexts()).isEqualTo(100.0);
  }

  @Test
  void newsThatReplacesAMemoryIsNotACorrection() {
    observe(ALICE, user("m1", "I'm vegetarian."));
    context(T, ALICE, "what should I cook");

    observe(ALICE, user("m2", "I'm not vegetarian any more since I started training."));
    observe(ALICE, user("m3", "I moved to Porto."));
    attune.effects().flush();

    // "not ... any more" is itself a correction cue: the first counts; news about a new city, no.
    assertThat(attune.export(T, ALICE).corrections()).hasSizeLessThanOrEqualTo(1);
  }

  @Test
  void editingOrDeletingAnExtractedMemoryIsACorrectionButNotAnExplicitOne() {
    learn(ALICE, user("m1", "I'm vegetarian."), user("m2", "I live in Lisbon."));
    String contextId = context(T, ALICE, "vegetarian dinner in Lisbon").contextId();
    Memory city = memory(ALICE, "User lives in Lisbon.");
    Memory diet = memory(ALICE, "User is vegetarian.");
    Memory explicit =
        attune.addMemory(
            T,
            ALICE,
            new NewMemory(
                "Prefers window seats", dev.attune.core.model.Category.PREFERENCE, false, null),
            "api");

    attune.editMemory(
        T, ALICE, city.id(), new MemoryEdit("User lives in Porto.", null, null), "api");
    // Corrected again: still one corrected memory of the two extracted (it once read 150%).
    attune.editMemory(
        T, ALICE, city.id(), new MemoryEdit("User lives in Braga.", null, null), "api");
    attune.deleteMemory(T, ALICE, diet.id(), "api");
    attune.deleteMemory(T, ALICE, explicit.id(), "api");
    attune.effects().flush();

    List<Correction> corrections = attune.export(T, ALICE).corrections();
    assertThat(corrections)
        .extracting(Correction::kind, Correction::memory)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(Correction.Kind.EDITED, city.id()),
            org.assertj.core.groups.Tuple.tuple(Correction.Kind.EDITED, city.id()),
            org.assertj.core.groups.Tuple.tuple(Correction.Kind.DELETED, diet.id()));
    assertThat(corrections).allSatisfy(c -> assertThat(c.contextId()).isEqualTo(contextId));
    EffectivenessSummary.Period total = summary().total();
    assertThat(total.memories()).containsEntry("edited", 2L).containsEntry("deleted", 2L);
    assertThat(total.corrections()).isEqualTo(3);
    assertThat(total.extractedCorrectedShare()).isEqualTo(1.0);
  }

  @Test
  void feedbackIsStoredWithItsCommentRedactedAndBadFeedbackWritesNothing() {
    observe(ALICE, user("m1", "I'm vegetarian."));
    String contextId = context(T, ALICE, "dinner").contextId();

    Feedback f =
        attune
            .effects()
            .feedback(
                T,
                ALICE,
                contextId,
                Feedback.Signal.RATING,
                4.0,
                "Great, write to alice@example.com");
    assertThat(f.comment()).doesNotContain("alice@example.com");

    assertThatThrownBy(
            () -> attune.effects().feedback(T, ALICE, contextId, Feedback.Signal.RATING, 7.0, null))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("value must be within 1..5");
    assertThatThrownBy(
            () ->
                attune.effects().feedback(T, BOB, contextId, Feedback.Signal.THUMBS_UP, null, null))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(
            () ->
                attune
                    .effects()
                    .feedback(OTHER, ALICE, contextId, Feedback.Signal.THUMBS_UP, null, null))
        .isInstanceOf(NotFoundException.class);
    assertThat(attune.export(T, ALICE).feedback()).containsExactly(f);
    assertThat(attune.export(T, BOB).feedback()).isEmpty();
    assertThat(summary().total().feedback()).containsEntry("rating", 1L);
    assertThat(summary().total().meanRating()).isEqualTo(4.0);
  }

  @Test
  void anArmWithoutPersonalizationGetsTheComplianceRulesOnly() {
    OrgId bank = OrgId.of("bank");
    attune.putOrg(
        T,
        bank,
        new OrgProfile(
            "Acme Bank", "finance", Map.of(), List.of("Never give investment advice."), List.of()));
    attune.observe(
        ObserveRequest.builder(T, ALICE)
            .org(bank)
            .messages(List.of(user("m1", "I'm vegetarian.")))
            .build());
    attune
        .effects()
        .putExperiment(
            T,
            new Experiment(
                "holdout", List.of(new Experiment.Arm("generic", 1.0, false, null)), true));

    ContextPack pack = context(T, ALICE, "what should I cook");

    assertThat(pack.blocks()).extracting(ContextBlock::type).containsExactly(BlockType.COMPLIANCE);
    assertThat(pack.context())
        .contains("Never give investment advice.")
        .doesNotContain("vegetarian");
    assertThat(pack.experiment()).isEqualTo(new ContextPack.ExperimentArm("holdout", "generic"));
    assertThat(attune.effects().contextRecord(T, ALICE, pack.contextId()).arm())
        .isEqualTo("generic");
    // Another tenant's users are not in this tenant's experiment.
    attune.observe(
        ObserveRequest.builder(OTHER, ALICE)
            .messages(List.of(user("o1", "I'm vegetarian.")))
            .build());
    assertThat(context(OTHER, ALICE, "what should I cook").experiment()).isNull();
  }

  @Test
  void anArmsTokenCapLowersTheBudget() {
    observe(ALICE, user("m1", "I'm vegetarian."));
    attune
        .effects()
        .putExperiment(
            T, new Experiment("small", List.of(new Experiment.Arm("capped", 1.0, true, 40)), true));

    ContextPack pack = context(T, ALICE, "dinner");

    assertThat(pack.budget()).isEqualTo(40);
    assertThat(pack.tokens()).isLessThanOrEqualTo(40);
  }

  @Test
  void aTenantRunsOneActiveExperimentAtATime() {
    var arms =
        List.of(
            new Experiment.Arm("a", 0.5, true, null), new Experiment.Arm("b", 0.5, false, null));
    attune.effects().putExperiment(T, new Experiment("first", arms, true));

    assertThatThrownBy(
            () -> attune.effects().putExperiment(T, new Experiment("second", arms, true)))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("experiment 'first' is active");
    assertThat(attune.effects().experiments(T))
        .extracting(Experiment::name)
        .containsExactly("first");
    attune.effects().putExperiment(T, new Experiment("second", arms, false));
    attune.effects().putExperiment(OTHER, new Experiment("third", arms, true));
  }

  @Test
  void forgettingAUserErasesTheirRecordsFeedbackAndCorrections() {
    observe(ALICE, user("m1", "I'm vegetarian."));
    String contextId = context(T, ALICE, "dinner").contextId();
    attune.effects().feedback(T, ALICE, contextId, Feedback.Signal.THUMBS_UP, null, "nice");

    attune.forget(T, ALICE);

    assertThatThrownBy(() -> attune.effects().contextRecord(T, ALICE, contextId))
        .isInstanceOf(NotFoundException.class);
    UserExport export = attune.export(T, ALICE);
    assertThat(export.contexts()).isEmpty();
    assertThat(export.feedback()).isEmpty();
  }

  @Test
  void recordsCanBeTurnedOff() {
    try (Attune quiet =
        Attune.builder()
            .store(new InMemoryStore())
            .embedder(new HashingEmbedder())
            .contextRecords(false)
            .build()) {
      ContextPack pack =
          quiet.context(ContextRequest.builder(T, ALICE).query("dinner").maxTokens(100).build());
      assertThat(pack.contextId()).isNull();
    }
  }

  @Test
  void theSummaryCountsContextsLatencyAndEmptyPacks() {
    observe(ALICE, user("m1", "I'm vegetarian."));
    context(T, ALICE, "dinner");
    context(T, BOB, "dinner");

    EffectivenessSummary s = summary();

    assertThat(s.total().contexts()).isEqualTo(2);
    assertThat(s.total().emptyRate()).isEqualTo(0.5);
    assertThat(s.total().latencyP95Ms()).isPositive();
    assertThat(s.periods()).hasSize(7);
    assertThat(s.periods().get(0).contexts()).isEqualTo(2);
    assertThat(s.total().storage()).containsEntry("users", 1.0);
    assertThatThrownBy(
            () ->
                attune
                    .effects()
                    .summary(
                        T,
                        clock.instant(),
                        clock.instant().minusSeconds(1),
                        EffectivenessSummary.Granularity.HOUR))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("from must be before to");
  }

  @Test
  void recordingNeverMakesARequestWaitAndCountsWhatItDrops() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    InMemoryStore stuck =
        new InMemoryStore() {
          @Override
          public void putContextRecords(List<ContextRecord> records) {
            try {
              entered.countDown();
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            super.putContextRecords(records);
          }
        };
    try (Attune slow =
        Attune.builder().store(stuck).embedder(new HashingEmbedder()).effectQueue(4).build()) {
      // The writer takes the first record (after gathering for its linger) and gets stuck on it.
      slow.context(ContextRequest.builder(T, ALICE).query("first").maxTokens(100).build());
      assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 50; i++) {
        // Each returns although the writer is stuck on the first batch.
        assertThat(
                slow.context(ContextRequest.builder(T, ALICE).query("q" + i).maxTokens(100).build())
                    .contextId())
            .isNotNull();
      }
      assertThat(slow.effects().dropped()).isPositive();
      release.countDown();
    }
  }

  EffectivenessSummary summary() {
    Instant day = Instant.parse("2025-03-01T00:00:00Z");
    return attune
        .effects()
        .summary(T, day, day.plus(Duration.ofDays(7)), EffectivenessSummary.Granularity.DAY);
  }
}
