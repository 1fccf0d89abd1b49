package dev.attune.core.port;

import dev.attune.core.model.Category;
import dev.attune.core.model.TenantId;
import java.util.List;
import java.util.Set;

/**
 * Writes the short profile paragraph that stands for many memories of one category when the context
 * budget is tight. The offline default is extractive; a chat model may write it instead.
 */
public interface Summarizer {
  /** An id for history entries, e.g. {@code extractive} or {@code openai:gpt-4o-mini}. */
  String id();

  /**
   * A summary and which facts it covers (indexes into the list): its provenance is theirs.
   *
   * @param text the paragraph
   * @param covered the facts it says, by index
   */
  record Summary(String text, Set<Integer> covered) {
    public Summary {
      covered = Set.copyOf(covered);
    }
  }

  /**
   * The paragraph: only what the facts say, in their language, within about {@code maxChars}
   * characters.
   *
   * @param tenant whose memories they are (model calls are metered per tenant)
   * @param facts the memories' texts, most confident first
   */
  Summary summarize(TenantId tenant, Category category, List<String> facts, int maxChars);
}
