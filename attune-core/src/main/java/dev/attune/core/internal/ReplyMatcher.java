package dev.attune.core.internal;

import dev.attune.core.effectiveness.ContextRecord;
import dev.attune.core.effectiveness.Figures;
import dev.attune.core.learning.UtilizationMatcher;
import dev.attune.core.model.ItemKind;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.model.UserProfile;
import dev.attune.core.model.UserRecord;
import dev.attune.core.port.EngineMetrics;
import dev.attune.core.port.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A reply observed with its pack's id, matched with the pack's facts and profile fields as they are
 * stored now (the record holds ids, not text), on the recorder's writer thread.
 */
final class ReplyMatcher {
  private final Store store;
  private final UtilizationMatcher matcher;
  private final EffectRecorder recorder;
  private final EngineMetrics metrics;

  ReplyMatcher(
      Store store, UtilizationMatcher matcher, EffectRecorder recorder, EngineMetrics metrics) {
    this.store = store;
    this.matcher = matcher;
    this.recorder = recorder;
    this.metrics = metrics;
  }

  /** Which of the pack's facts and profile fields the reply used; counted in the figures. */
  void match(
      TenantId tenant, UserId user, String contextId, String messageId, String reply, Instant at) {
    ContextRecord record = store.findContextRecord(tenant, user, contextId).orElse(null);
    if (record == null || record.utilization() != null) {
      // Unknown (or another user's) pack, or a reply already matched: nothing to count.
      return;
    }
    UserProfile profile = store.findUser(tenant, user).map(UserRecord::profile).orElse(null);
    List<UtilizationMatcher.Item> items = new ArrayList<>();
    Map<String, Integer> tokens = new HashMap<>();
    for (ContextRecord.Injected i : record.items()) {
      UtilizationMatcher.Item item = item(tenant, user, profile, i);
      if (item != null && !item.text().isBlank()) {
        items.add(item);
        tokens.put(i.id(), i.tokens());
      }
    }
    List<String> used =
        matcher.match(items, reply).stream()
            .filter(UtilizationMatcher.Match::used)
            .map(UtilizationMatcher.Match::id)
            .toList();
    store.putUtilization(
        tenant, user, contextId, new ContextRecord.Utilization(at, messageId, used));
    Map<String, Long> figures = new HashMap<>();
    figures.put(Figures.UTILIZED_CONTEXTS, 1L);
    EffectTracker.put(figures, Figures.ITEMS_INJECTED, items.size());
    EffectTracker.put(figures, Figures.ITEMS_USED, used.size());
    EffectTracker.put(
        figures, Figures.ITEM_TOKENS_INJECTED, tokens.values().stream().mapToLong(x -> x).sum());
    EffectTracker.put(
        figures, Figures.ITEM_TOKENS_USED, used.stream().mapToLong(tokens::get).sum());
    recorder.count(tenant, at, figures);
    metrics.utilization(items.size(), used.size());
  }

  /**
   * An injected fact (with its stored embedding) or profile field as stored now; null for the
   * conversation's own messages and the org's fields, which utilization does not judge.
   */
  private UtilizationMatcher.@Nullable Item item(
      TenantId tenant, UserId user, @Nullable UserProfile profile, ContextRecord.Injected item) {
    if (item.kind() == ItemKind.FACT && item.id().startsWith("mem_")) {
      return store
          .findMemory(tenant, user, MemoryId.of(item.id()))
          .map(m -> new UtilizationMatcher.Item(item.id(), m.text(), m.embedding()))
          .orElse(null);
    }
    String field =
        item.kind() == ItemKind.PROFILE && profile != null
            ? profileField(profile, item.id())
            : null;
    return field == null ? null : new UtilizationMatcher.Item(item.id(), field);
  }

  static @Nullable String profileField(UserProfile p, String id) {
    return switch (id) {
      case "profile.name" -> p.name();
      case "profile.role" -> p.role();
      case "profile.expertise" -> p.expertise();
      case "profile.communication_style" -> p.communicationStyle();
      case "profile.language" -> p.language();
      default -> {
        if (id.startsWith("profile.attributes.")) {
          yield p.attributes().get(id.substring("profile.attributes.".length()));
        }
        if (id.startsWith("profile.preferences[") && id.endsWith("]")) {
          try {
            int i =
                Integer.parseInt(id.substring("profile.preferences[".length(), id.length() - 1));
            yield i < p.preferences().size() ? p.preferences().get(i) : null;
          } catch (NumberFormatException e) {
            yield null;
          }
        }
        yield null;
      }
    };
  }
}
