package dev.attune.core.retrieval;

import dev.attune.core.model.Category;
import java.time.Instant;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A query against one working set.
 *
 * @param text the query text
 * @param vector its embedding, or null for lexical-only retrieval
 * @param vectorModel the model of {@code vector}
 * @param categories memories of these categories only (episodes are then excluded); empty for all
 * @param from items about moments before this are excluded; null for no bound
 * @param to items about moments after this are excluded; null for no bound
 */
public record RetrievalQuery(
    String text,
    float @Nullable [] vector,
    @Nullable String vectorModel,
    Set<Category> categories,
    @Nullable Instant from,
    @Nullable Instant to) {
  public RetrievalQuery {
    categories = Set.copyOf(categories);
  }
}
