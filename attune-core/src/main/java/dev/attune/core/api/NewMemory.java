package dev.attune.core.api;

import dev.attune.core.model.Category;
import dev.attune.core.model.Limits;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A memory to add explicitly.
 *
 * @param text the fact, at most {@link Limits#MAX_MEMORY_CHARS} characters
 * @param category what it is about
 * @param pinned true to keep it from decaying
 * @param validFrom when it became true; now when null
 */
public record NewMemory(
    String text, Category category, boolean pinned, @Nullable Instant validFrom) {
  public NewMemory {
    Objects.requireNonNull(category, "category");
    text = MemoryText.check("text", text);
  }

  public static NewMemory of(String text, Category category) {
    return new NewMemory(text, category, false, null);
  }
}
