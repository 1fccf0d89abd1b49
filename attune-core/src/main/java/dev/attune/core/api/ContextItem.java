package dev.attune.core.api;

import dev.attune.core.model.Category;
import dev.attune.core.model.ItemKind;
import dev.attune.core.model.SourceRef;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One item of a context block.
 *
 * @param id the memory id, message id, or profile field (e.g. {@code profile.name})
 * @param kind what it was made from
 * @param text its text, as stored (the rendered form quotes and flags it)
 * @param category the memory's category, for facts
 * @param score the retrieval score (fused BM25 and cosine, weighed by recency and confidence) for
 *     items retrieved for the query, comparable within one pack; 0 for items included regardless of
 *     the query (profile, org, session, and facts shown without a query)
 * @param tokens tokens its rendered line takes
 * @param sources exactly the messages it was built from (empty for profile and org items)
 */
public record ContextItem(
    String id,
    ItemKind kind,
    String text,
    @Nullable Category category,
    double score,
    int tokens,
    List<SourceRef> sources) {
  public ContextItem {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(text, "text");
    sources = List.copyOf(sources);
  }
}
