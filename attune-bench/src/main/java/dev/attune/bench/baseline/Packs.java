package dev.attune.bench.baseline;

import dev.attune.core.Attune;
import dev.attune.core.api.ContextItem;
import dev.attune.core.api.ContextPack;
import dev.attune.core.api.ContextRequest;
import dev.attune.core.model.SourceRef;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Attune's answers as the harnesses score them, beside the raw-turn baselines. */
public final class Packs {
  private Packs() {}

  /** Attune's items for {@code query} by score, whatever the budget: its ranking, for recall@k. */
  public static List<Ranked> ranking(
      Attune attune, TenantId tenant, UserId user, String query, int depth) {
    ContextPack unbounded =
        attune.context(
            ContextRequest.builder(tenant, user)
                .query(query)
                .maxTokens(1_000_000)
                .limit(depth)
                .build());
    return unbounded
        .items()
        .sorted(Comparator.comparingDouble(ContextItem::score).reversed())
        .map(Packs::ranked)
        .toList();
  }

  /** A pack's item as scored: the messages it cites and what it costs. */
  public static Ranked ranked(ContextItem item) {
    Set<String> ids = new LinkedHashSet<>();
    for (SourceRef s : item.sources()) {
      ids.add(s.messageId());
    }
    return new Ranked(ids, item.tokens());
  }
}
