package dev.attune.server.wire;

import dev.attune.core.BlockType;
import dev.attune.core.ContextBlock;
import dev.attune.core.ContextItem;
import dev.attune.core.ContextPack;
import dev.attune.core.ItemKind;
import dev.attune.core.UserExport;
import dev.attune.core.model.Category;
import dev.attune.core.model.ChangeKind;
import dev.attune.core.model.Episode;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryChange;
import dev.attune.core.model.MemoryStatus;
import dev.attune.core.model.OrgProfile;
import dev.attune.core.model.Origin;
import dev.attune.core.model.Role;
import dev.attune.core.model.SourceRef;
import dev.attune.core.model.UserRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** What Attune writes on the wire. Every record maps one domain value; vectors are never sent. */
public final class Views {
  private Views() {}

  public record Source(String messageId, @Nullable String sessionId, Instant timestamp) {
    static List<Source> of(List<SourceRef> refs) {
      return refs.stream()
          .map(r -> new Source(r.messageId(), r.sessionId(), r.timestamp()))
          .toList();
    }
  }

  public record Item(
      String id,
      ItemKind kind,
      String text,
      @Nullable Category category,
      double score,
      int tokens,
      List<Source> sources) {}

  public record Block(BlockType type, int priority, int tokens, List<Item> items) {}

  public record Pack(String context, int tokens, int budget, boolean degraded, List<Block> blocks) {
    public static Pack of(ContextPack pack) {
      return new Pack(
          pack.context(),
          pack.tokens(),
          pack.budget(),
          pack.degraded(),
          pack.blocks().stream().map(Views::block).toList());
    }
  }

  private static Block block(ContextBlock b) {
    return new Block(
        b.type(), b.priority(), b.tokens(), b.items().stream().map(Views::item).toList());
  }

  private static Item item(ContextItem i) {
    double score = Math.round(i.score() * 1e6) / 1e6;
    return new Item(
        i.id(), i.kind(), i.text(), i.category(), score, i.tokens(), Source.of(i.sources()));
  }

  public record MemoryView(
      String id,
      String text,
      Category category,
      @Nullable String slot,
      double confidence,
      MemoryStatus status,
      boolean pinned,
      Origin origin,
      List<Source> sources,
      Instant validFrom,
      @Nullable Instant validTo,
      Instant createdAt,
      Instant updatedAt,
      @Nullable Instant supersededAt,
      @Nullable String supersededBy,
      Instant lastConfirmedAt,
      @Nullable String embeddingModel) {
    public static MemoryView of(Memory m) {
      return new MemoryView(
          m.id().value(),
          m.text(),
          m.category(),
          m.slot(),
          Math.round(m.confidence() * 1e4) / 1e4,
          m.status(),
          m.pinned(),
          m.provenance().origin(),
          Source.of(m.provenance().sources()),
          m.validFrom(),
          m.validTo(),
          m.createdAt(),
          m.updatedAt(),
          m.supersededAt(),
          m.supersededBy() == null ? null : m.supersededBy().value(),
          m.lastConfirmedAt(),
          m.embedding() == null ? null : m.embedding().model());
    }
  }

  public record EpisodeView(
      String messageId,
      Role role,
      @Nullable String name,
      String content,
      @Nullable String sessionId,
      Instant timestamp) {
    public static EpisodeView of(Episode e) {
      return new EpisodeView(
          e.messageId(), e.role(), e.speaker(), e.content(), e.sessionId(), e.timestamp());
    }
  }

  public record Change(
      String memoryId,
      Instant at,
      ChangeKind kind,
      String actor,
      @Nullable String before,
      @Nullable String after,
      @Nullable String relatedMemoryId,
      List<String> messageIds) {
    public static Change of(MemoryChange c) {
      return new Change(
          c.memory().value(),
          c.at(),
          c.kind(),
          c.actor(),
          c.before(),
          c.after(),
          c.related() == null ? null : c.related().value(),
          c.messageIds());
    }
  }

  public record Profile(
      String userId,
      @Nullable String orgId,
      @Nullable String name,
      @Nullable String role,
      @Nullable String expertise,
      @Nullable String communicationStyle,
      @Nullable String language,
      List<String> preferences,
      Map<String, String> attributes,
      Instant createdAt,
      Instant updatedAt) {
    public static Profile of(UserRecord r) {
      var p = r.profile();
      return new Profile(
          r.id().value(),
          r.org() == null ? null : r.org().value(),
          p.name(),
          p.role(),
          p.expertise(),
          p.communicationStyle(),
          p.language(),
          p.preferences(),
          p.attributes(),
          r.createdAt(),
          r.updatedAt());
    }
  }

  public record Org(
      String orgId,
      @Nullable String name,
      @Nullable String industry,
      Map<String, String> terminology,
      List<String> compliance,
      List<String> tone) {
    public static Org of(String id, OrgProfile o) {
      return new Org(id, o.name(), o.industry(), o.terminology(), o.compliance(), o.tone());
    }
  }

  public record Export(
      @Nullable Profile profile,
      List<MemoryView> memories,
      List<EpisodeView> episodes,
      List<Change> history) {
    public static Export of(UserExport e) {
      return new Export(
          e.user() == null ? null : Profile.of(e.user()),
          e.memories().stream().map(MemoryView::of).toList(),
          e.episodes().stream().map(EpisodeView::of).toList(),
          e.history().stream().map(Change::of).toList());
    }
  }
}
