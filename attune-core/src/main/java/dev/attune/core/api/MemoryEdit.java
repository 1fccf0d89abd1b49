package dev.attune.core.api;

import dev.attune.core.model.Category;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.Limits;
import org.jspecify.annotations.Nullable;

/**
 * A change to a memory; null fields are left as they are. Editing the text or category pins the
 * memory (a fact the user corrected does not decay).
 *
 * @param text new text, at most {@link Limits#MAX_MEMORY_CHARS} characters
 * @param category new category
 * @param pinned pin or unpin
 */
public record MemoryEdit(
    @Nullable String text, @Nullable Category category, @Nullable Boolean pinned) {
  public MemoryEdit {
    if (text != null) {
      text = MemoryText.check("text", text);
    }
    if (text == null && category == null && pinned == null) {
      throw new InvalidRequestException("text", "nothing to change: give text, category or pinned");
    }
  }
}
