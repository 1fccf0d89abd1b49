package dev.attune.core.learning;

import dev.attune.core.model.Category;
import dev.attune.core.model.ChangeKind;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryChange;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.MemoryStatus;
import dev.attune.core.model.Origin;
import dev.attune.core.model.Provenance;
import dev.attune.core.model.SourceRef;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.Summarizer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps one summary memory per category for users with many memories of it: when the active
 * memories of a category reach {@code minMembers}, a short paragraph (from the {@link Summarizer})
 * stands for them, with the union of their sources as provenance. Context uses it in their place
 * when the budget is tight. The summary follows its members: it is rewritten in place when they
 * change, and deleted when they fall below the size, so that nothing deleted lingers in it.
 *
 * @param minMembers the number of active memories of a category at which it is summarized
 * @param maxChars the summary's length, in characters
 */
public record Compressor(int minMembers, int maxChars) {
  /** The slot of a category's summary: one per category and user. */
  public static final String SLOT_PREFIX = "summary:";

  public Compressor {
    if (minMembers < 2) {
      throw new IllegalArgumentException("minMembers must be at least 2; got " + minMembers);
    }
    if (maxChars < 80) {
      throw new IllegalArgumentException("maxChars must be at least 80; got " + maxChars);
    }
  }

  /** Summaries from 12 memories of a category, of at most 600 characters. */
  public static Compressor defaults() {
    return new Compressor(12, 600);
  }

  public static boolean isSummary(Memory m) {
    return m.provenance().origin() == Origin.SUMMARY;
  }

  /** The summary writes one change needs: the summaries, and their history entries. */
  public record Update(List<Memory> memories, List<MemoryChange> changes) {
    public static final Update NONE = new Update(List.of(), List.of());
  }

  /**
   * Brings the summaries of {@code categories} (those a change touched) in line with the user's
   * active memories: written again from the members, unless text and sources are unchanged.
   *
   * @param active every active memory of the user after the change, summaries included
   * @param summarizer writes the paragraph
   */
  public Update refresh(
      TenantId tenant,
      UserId user,
      Set<Category> categories,
      List<Memory> active,
      Summarizer summarizer,
      Instant now) {
    List<Memory> memories = new ArrayList<>();
    List<MemoryChange> changes = new ArrayList<>();
    Map<Category, List<Memory>> byCategory =
        active.stream()
            .filter(m -> m.status() == MemoryStatus.ACTIVE)
            .collect(Collectors.groupingBy(Memory::category));
    for (Category category : categories.isEmpty() ? EnumSet.noneOf(Category.class) : categories) {
      List<Memory> all = byCategory.getOrDefault(category, List.of());
      Memory summary = all.stream().filter(Compressor::isSummary).findFirst().orElse(null);
      List<Memory> members =
          all.stream()
              .filter(m -> !isSummary(m))
              .sorted(
                  Comparator.comparingDouble(Memory::confidence)
                      .reversed()
                      .thenComparing(Memory::lastConfirmedAt, Comparator.reverseOrder()))
              .toList();
      String actor = "compressor:" + summarizer.id();
      if (members.size() < minMembers) {
        if (summary != null) {
          memories.add(summary.deleted(now));
          changes.add(
              new MemoryChange(
                  summary.id(),
                  now,
                  ChangeKind.DELETED,
                  actor,
                  summary.text(),
                  null,
                  null,
                  List.of()));
        }
        continue;
      }
      Summarizer.Summary written =
          summarizer.summarize(
              tenant, category, members.stream().map(Memory::text).toList(), maxChars);
      String text = written.text();
      // Its provenance is that of the members it says ("and 3 more" are not said).
      List<Memory> covered = new ArrayList<>();
      for (int i = 0; i < members.size(); i++) {
        if (written.covered().contains(i)) {
          covered.add(members.get(i));
        }
      }
      List<SourceRef> sources = union(covered);
      if (summary != null
          && summary.text().equals(text)
          && sameSources(summary.provenance().sources(), sources)) {
        continue;
      }
      Instant lastConfirmed =
          members.stream().map(Memory::lastConfirmedAt).max(Comparator.naturalOrder()).orElse(now);
      double confidence = members.stream().mapToDouble(Memory::confidence).max().orElse(0.5);
      Memory updated =
          new Memory(
              summary != null ? summary.id() : MemoryId.random(),
              user,
              text,
              category,
              SLOT_PREFIX + category.wireName(),
              confidence,
              Provenance.summary(sources),
              members.stream().map(Memory::validFrom).min(Comparator.naturalOrder()).orElse(now),
              null,
              summary != null ? summary.createdAt() : now,
              now,
              null,
              null,
              MemoryStatus.ACTIVE,
              false,
              lastConfirmed,
              null);
      memories.add(updated);
      changes.add(
          new MemoryChange(
              updated.id(),
              now,
              summary == null ? ChangeKind.CREATED : ChangeKind.EDITED,
              actor,
              summary == null ? null : summary.text(),
              text,
              null,
              sources.stream().map(SourceRef::messageId).toList()));
    }
    return memories.isEmpty() ? Update.NONE : new Update(memories, changes);
  }

  /** The summary of a category among {@code memories}, if there is one. */
  public static Optional<Memory> summaryOf(List<Memory> memories, Category category) {
    return memories.stream()
        .filter(m -> m.category() == category && isSummary(m) && m.isActive())
        .findFirst();
  }

  private static List<SourceRef> union(List<Memory> members) {
    Provenance merged = Provenance.summary(List.of());
    for (Memory m : members) {
      merged = merged.plus(m.provenance().sources());
    }
    return merged.sources();
  }

  private static boolean sameSources(List<SourceRef> a, List<SourceRef> b) {
    return a.size() == b.size()
        && a.stream()
            .map(SourceRef::messageId)
            .collect(Collectors.toSet())
            .equals(b.stream().map(SourceRef::messageId).collect(Collectors.toSet()));
  }
}
