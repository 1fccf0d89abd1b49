package dev.attune.api;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A context pack: {@code context} is ready to put into a prompt and never takes more than {@code
 * budget} tokens. Pass {@code context_id} with the assistant's reply to observe, and with feedback.
 * A {@code degraded} pack (retrieval ran out of time) holds what needs no retrieval and names the
 * blocks it left out in {@code missing_blocks}.
 */
public record Pack(
    String context,
    int tokens,
    int budget,
    boolean degraded,
    List<Block> blocks,
    List<String> missingBlocks,
    @Nullable String contextId,
    @Nullable Experiment experiment) {
  /** The experiment the user is in and their arm. */
  public record Experiment(String name, String arm) {}

  /** A block: {@code compliance}, {@code session}, {@code profile}, {@code org}, ... */
  public record Block(String type, int priority, int tokens, List<Item> items) {}

  /** An item; {@code kind} is {@code fact}, {@code episode}, {@code profile} or {@code org}. */
  public record Item(
      String id,
      String kind,
      String text,
      @Nullable String category,
      double score,
      int tokens,
      List<Source> sources) {}

  /** A message an item was built from. */
  public record Source(String messageId, @Nullable String sessionId, Instant timestamp) {}
}
