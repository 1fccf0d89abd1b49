package dev.attune.core.port;

import dev.attune.core.model.Category;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A fact an extractor proposes; consolidation decides whether it is added, reinforces an existing
 * memory, or supersedes one.
 *
 * @param text the fact, one sentence, in the language the user wrote in
 * @param category what it is about
 * @param slot for single-valued facts, the attribute it sets (e.g. {@code location})
 * @param value the attribute's value (e.g. {@code Berlin}), used to tell new values from repeats
 * @param replaces a value the user said no longer holds ("I switched from Python to Go": Python)
 * @param confidence 0..1, how sure the extractor is
 * @param sourceMessageIds the messages it was extracted from; never empty
 */
public record Candidate(
    String text,
    Category category,
    @Nullable String slot,
    @Nullable String value,
    @Nullable String replaces,
    double confidence,
    List<String> sourceMessageIds) {
  public Candidate {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(category, "category");
    sourceMessageIds = List.copyOf(sourceMessageIds);
    if (sourceMessageIds.isEmpty()) {
      throw new IllegalArgumentException("sourceMessageIds must not be empty");
    }
    if (!(confidence >= 0 && confidence <= 1)) {
      throw new IllegalArgumentException("confidence must be within 0..1, got " + confidence);
    }
  }
}
