package dev.attune.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.core.api.ContextItem;
import dev.attune.core.api.ContextPack;
import dev.attune.core.api.ContextRequest;
import dev.attune.core.api.MemoryEdit;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.learning.Compressor;
import dev.attune.core.model.Category;
import dev.attune.core.model.ConflictException;
import dev.attune.core.model.ItemKind;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryStatus;
import dev.attune.core.model.Message;
import dev.attune.core.model.Origin;
import dev.attune.core.model.Role;
import dev.attune.core.model.SourceRef;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.testing.HashingEmbedder;
import dev.attune.core.testing.InMemoryStore;
import dev.attune.core.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CompressionTest {
  static final TenantId T = TenantId.of("acme-app");
  static final UserId ALICE = UserId.of("alice");
  static final List<String> HOBBIES =
      List.of(
          "surfing",
          "chess",
          "pottery",
          "jazz",
          "hiking",
          "sushi",
          "knitting",
          "opera",
          "cycling",
          "gardening",
          "poetry",
          "climbing",
          "baking",
          "sailing");

  final MutableClock clock = MutableClock.at("2025-03-01T09:00:00Z");
  final Attune attune =
      Attune.builder()
          .store(new InMemoryStore())
          .embedder(new HashingEmbedder())
          .clock(clock)
          .compressor(new Compressor(6, 400))
          .build();

  @AfterEach
  void close() {
    attune.close();
  }

  private void observeHobbies(int n) {
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      messages.add(new Message(Role.USER, "I love " + HOBBIES.get(i) + ".", "m" + i, null, null));
      clock.advance(Duration.ofMinutes(1));
    }
    attune.observe(ObserveRequest.builder(T, ALICE).sessionId("s1").messages(messages).build());
  }

  /** The active preference memories that are not the summary. */
  private List<Memory> members() {
    return attune.memories(T, ALICE, MemoryQuery.active()).stream()
        .filter(m -> m.category() == Category.PREFERENCE && !Compressor.isSummary(m))
        .toList();
  }

  private Optional<Memory> summary() {
    return Compressor.summaryOf(
        attune.memories(T, ALICE, MemoryQuery.active()), Category.PREFERENCE);
  }

  private List<ContextItem> facts(int budget) {
    return attune
        .context(ContextRequest.builder(T, ALICE).maxTokens(budget).build())
        .items()
        .filter(i -> i.kind() == ItemKind.FACT)
        .toList();
  }

  @Test
  void aCategoryIsSummarizedOnceItPassesTheSizeWithItsMembersProvenance() {
    observeHobbies(5);
    assertThat(members()).hasSizeLessThan(6);
    assertThat(summary()).isEmpty();

    observeHobbies(14);
    assertThat(members()).hasSizeGreaterThanOrEqualTo(6);
    Memory s = summary().orElseThrow();
    assertThat(s.provenance().origin()).isEqualTo(Origin.SUMMARY);
    assertThat(s.text()).startsWith("User (preference): ").contains("surfing", "chess");
    // Its provenance is the union of its members' sources: every message that said a hobby.
    List<String> memberSources =
        members().stream()
            .flatMap(m -> m.provenance().sources().stream())
            .map(SourceRef::messageId)
            .distinct()
            .toList();
    assertThat(s.provenance().sources())
        .extracting(SourceRef::messageId)
        .containsExactlyInAnyOrderElementsOf(memberSources);
    assertThat(memberSources).hasSize(14);
    assertThat(attune.history(T, ALICE, s.id()))
        .first()
        .satisfies(c -> assertThat(c.actor()).isEqualTo("compressor:extractive"));
  }

  @Test
  void contextUsesTheSummaryOnlyWhenTheBudgetIsTight() {
    observeHobbies(14);
    Memory s = summary().orElseThrow();

    List<ContextItem> roomy = facts(4000);
    assertThat(roomy).extracting(ContextItem::id).doesNotContain(s.id().value());
    assertThat(roomy.stream().filter(i -> i.category() == Category.PREFERENCE))
        .hasSize(members().size());

    List<ContextItem> tight = facts(150);
    assertThat(tight).extracting(ContextItem::id).contains(s.id().value());
    assertThat(tight.stream().filter(i -> i.category() == Category.PREFERENCE)).hasSize(1);
    // The summary says more in the same budget than the members it replaces would.
    assertThat(tight.get(0).text()).contains("surfing", "chess", "pottery");

    // With a query the summary is never a retrieval hit of its own.
    ContextPack queried =
        attune.context(
            ContextRequest.builder(T, ALICE).query("user (preference)").maxTokens(4000).build());
    assertThat(queried.items()).extracting(ContextItem::id).doesNotContain(s.id().value());
  }

  @Test
  void theSummaryFollowsItsMembersAndGoesWhenTheyFallBelowTheSize() {
    observeHobbies(10);
    Memory before = summary().orElseThrow();
    Memory chess =
        members().stream().filter(m -> m.text().contains("chess")).findFirst().orElseThrow();

    attune.deleteMemory(T, ALICE, chess.id(), "user");
    if (members().size() >= 6) {
      Memory after = summary().orElseThrow();
      assertThat(after.id()).isEqualTo(before.id());
      assertThat(after.text()).doesNotContain("chess");
    }
    while (members().size() >= 6) {
      attune.deleteMemory(T, ALICE, members().get(0).id(), "user");
    }
    assertThat(summary()).isEmpty();
    assertThat(attune.memory(T, ALICE, before.id()).orElseThrow().status())
        .isEqualTo(MemoryStatus.DELETED);
  }

  @Test
  void summariesAreWrittenByAttuneNotEdited() {
    observeHobbies(10);
    Memory s = summary().orElseThrow();
    assertThatThrownBy(
            () ->
                attune.editMemory(
                    T, ALICE, s.id(), new MemoryEdit("Something else.", null, null), "user"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("summary");
  }
}
