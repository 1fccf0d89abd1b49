package dev.attune.core;

import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * What {@link Attune#context} returns: text ready to put into a prompt, and the items in it.
 *
 * @param context the rendered Markdown; empty when nothing is known or nothing fits
 * @param tokens tokens {@code context} takes with the configured tokenizer; never more than {@code
 *     budget}
 * @param budget the budget that applied (the request's, shrunk to leave the conversation room)
 * @param degraded true when retrieval did not finish in time and only profile and org blocks are
 *     included
 * @param blocks the blocks, highest priority first
 */
public record ContextPack(
    String context, int tokens, int budget, boolean degraded, List<ContextBlock> blocks) {
  public ContextPack {
    Objects.requireNonNull(context, "context");
    blocks = List.copyOf(blocks);
  }

  public static ContextPack empty(int budget, boolean degraded) {
    return new ContextPack("", 0, budget, degraded, List.of());
  }

  /** Every item of every block, in rendered order. */
  public Stream<ContextItem> items() {
    return blocks.stream().flatMap(b -> b.items().stream());
  }

  public boolean isEmpty() {
    return blocks.isEmpty();
  }
}
