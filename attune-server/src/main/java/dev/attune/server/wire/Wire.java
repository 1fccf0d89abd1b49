package dev.attune.server.wire;

import dev.attune.api.DataPolicyBody;
import dev.attune.api.EpisodeBody;
import dev.attune.api.ExportBody;
import dev.attune.api.MemoryBody;
import dev.attune.api.MessageBody;
import dev.attune.api.OrgBody;
import dev.attune.api.Pack;
import dev.attune.api.ProfileBody;
import dev.attune.core.Attune;
import dev.attune.core.api.ContextBlock;
import dev.attune.core.api.ContextItem;
import dev.attune.core.api.ContextPack;
import dev.attune.core.api.MemoryState;
import dev.attune.core.api.UserExport;
import dev.attune.core.model.BlockType;
import dev.attune.core.model.Category;
import dev.attune.core.model.DataPolicy;
import dev.attune.core.model.Detector;
import dev.attune.core.model.Episode;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryChange;
import dev.attune.core.model.Message;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.OrgProfile;
import dev.attune.core.model.Role;
import dev.attune.core.model.SourceRef;
import dev.attune.core.model.UserProfile;
import dev.attune.core.model.UserRecord;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Conversions between wire records and domain values. */
public final class Wire {
  private Wire() {}

  // ---- in ----

  /** The messages of a request, each checked, errors naming {@code messages[i].field}. */
  public static List<Message> messages(String field, @Nullable List<MessageBody> messages) {
    if (messages == null) {
      throw new InvalidRequestException(field, field + " is required");
    }
    List<Message> out = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      out.add(message(field + "[" + i + "]", messages.get(i)));
    }
    return out;
  }

  public static Message message(String field, @Nullable MessageBody m) {
    if (m == null) {
      throw new InvalidRequestException(field, field + " must be an object");
    }
    if (m.role() == null) {
      throw new InvalidRequestException(field + ".role", field + ".role is required");
    }
    if (m.content() == null) {
      throw new InvalidRequestException(field + ".content", field + ".content is required");
    }
    return new Message(
        Role.parse(field + ".role", m.role()),
        m.content(),
        m.id(),
        instant(field + ".timestamp", m.timestamp()),
        m.name(),
        m.contextId());
  }

  /** An ISO-8601 time with offset, or null; an error naming {@code field} otherwise. */
  public static @Nullable Instant instant(String field, @Nullable String value) {
    if (value == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidRequestException(
          field,
          field
              + " must be an ISO-8601 time with offset, like 2024-05-01T10:00:00Z; got '"
              + value
              + "'");
    }
  }

  public static OrgProfile orgProfile(OrgBody o) {
    return new OrgProfile(
        o.name(),
        o.industry(),
        o.terminology(),
        o.compliance(),
        o.tone(),
        o.dataPolicy() == null ? null : dataPolicy(o.dataPolicy()));
  }

  static DataPolicy dataPolicy(DataPolicyBody p) {
    Map<String, Object> wire = new HashMap<>();
    if (p.allowedCategories() != null) {
      wire.put("allowed_categories", p.allowedCategories());
    }
    if (p.blockedCategories() != null) {
      wire.put("blocked_categories", p.blockedCategories());
    }
    if (p.detectors() != null) {
      wire.put("detectors", p.detectors());
    }
    return DataPolicy.fromWire(wire);
  }

  static DataPolicyBody dataPolicy(DataPolicy p) {
    return new DataPolicyBody(
        p.allowedCategories().stream().map(Category::wireName).sorted().toList(),
        p.blockedCategories().stream().map(Category::wireName).sorted().toList(),
        p.detectors().stream().sorted().map(Detector::wireName).toList());
  }

  public static UserProfile userProfile(ProfileBody.Put p) {
    return new UserProfile(
        p.name(),
        p.role(),
        p.expertise(),
        p.communicationStyle(),
        p.language(),
        p.preferences(),
        p.attributes());
  }

  // ---- out ----

  public static Pack pack(ContextPack pack) {
    List<Pack.Block> blocks = new ArrayList<>(pack.blocks().size());
    for (ContextBlock b : pack.blocks()) {
      List<Pack.Item> items = new ArrayList<>(b.items().size());
      for (ContextItem i : b.items()) {
        items.add(
            new Pack.Item(
                i.id(),
                i.kind().wireName(),
                i.text(),
                i.category() == null ? null : i.category().wireName(),
                Math.round(i.score() * 1e6) / 1e6,
                i.tokens(),
                sources(i.sources())));
      }
      blocks.add(new Pack.Block(b.type().wireName(), b.priority(), b.tokens(), items));
    }
    return new Pack(
        pack.context(),
        pack.tokens(),
        pack.budget(),
        pack.degraded(),
        blocks,
        pack.missingBlocks().stream().map(BlockType::wireName).toList(),
        pack.contextId(),
        pack.experiment() == null
            ? null
            : new Pack.Experiment(pack.experiment().name(), pack.experiment().arm()));
  }

  public static List<Pack.Source> sources(List<SourceRef> refs) {
    return refs.stream()
        .map(r -> new Pack.Source(r.messageId(), r.sessionId(), r.timestamp()))
        .toList();
  }

  /** A memory as the API shows it, with its confidence after decay and whether it is dormant. */
  public static MemoryBody memory(MemoryState state) {
    Memory m = state.memory();
    return new MemoryBody(
        m.id().value(),
        m.text(),
        m.category().wireName(),
        m.slot(),
        Math.round(m.confidence() * 1e4) / 1e4,
        Math.round(state.effectiveConfidence() * 1e4) / 1e4,
        state.dormant(),
        m.status().wireName(),
        m.pinned(),
        m.provenance().origin().wireName(),
        sources(m.provenance().sources()),
        m.validFrom(),
        m.validTo(),
        m.createdAt(),
        m.updatedAt(),
        m.supersededAt(),
        m.supersededBy() == null ? null : m.supersededBy().value(),
        m.lastConfirmedAt(),
        m.embedding() == null ? null : m.embedding().model());
  }

  public static List<MemoryBody> memories(List<Memory> memories, Attune attune) {
    return memories.stream().map(m -> memory(attune.state(m))).toList();
  }

  public static MemoryBody.Change change(MemoryChange c) {
    return new MemoryBody.Change(
        c.memory().value(),
        c.at(),
        c.kind().wireName(),
        c.actor(),
        c.before(),
        c.after(),
        c.related() == null ? null : c.related().value(),
        c.messageIds());
  }

  public static EpisodeBody episode(Episode e) {
    return new EpisodeBody(
        e.messageId(), e.role().wireName(), e.speaker(), e.content(), e.sessionId(), e.timestamp());
  }

  public static ProfileBody profile(UserRecord r) {
    UserProfile p = r.profile();
    return new ProfileBody(
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

  public static OrgBody org(OrgId id, OrgProfile o) {
    return new OrgBody(
        id.value(),
        o.name(),
        o.industry(),
        o.terminology(),
        o.compliance(),
        o.tone(),
        dataPolicy(o.dataPolicy()));
  }

  public static ExportBody export(UserExport e, Attune attune) {
    return new ExportBody(
        e.user() == null ? null : profile(e.user()),
        memories(e.memories(), attune),
        e.episodes().stream().map(Wire::episode).toList(),
        e.history().stream().map(Wire::change).toList(),
        e.contexts().stream().map(EffectWire::record).toList(),
        e.feedback().stream().map(EffectWire::feedback).toList(),
        e.corrections().stream().map(EffectWire::correction).toList());
  }
}
