package dev.attune.core.api;

import dev.attune.core.model.BlockType;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * What {@link dev.attune.core.Attune#context} returns: text ready to put into a prompt, and the
 * items in it.
 *
 * @param context the rendered Markdown; empty when nothing is known or nothing fits
 * @param tokens tokens {@code context} takes with the configured tokenizer; never more than {@code
 *     budget}
 * @param budget the budget that applied (the request's, shrunk to leave the conversation room)
 * @param degraded true when retrieval did not finish in time: the pack holds what needs no
 *     retrieval (the profile, preferences, org, compliance and the most confident facts)
 * @param blocks the blocks, highest priority first
 * @param missingBlocks the blocks a degraded pack left out because they need retrieval or the
 *     user's messages (empty when not degraded)
 * @param contextId the pack's id ({@code ctx_...}): pass it with the assistant's reply to observe
 *     (and with feedback) so that Attune can tell what was used; null when context records are off
 * @param experiment the experiment and arm the user is in, or null
 */
public record ContextPack(
    String context,
    int tokens,
    int budget,
    boolean degraded,
    List<ContextBlock> blocks,
    List<BlockType> missingBlocks,
    @Nullable String contextId,
    @Nullable ExperimentArm experiment) {
  public ContextPack {
    Objects.requireNonNull(context, "context");
    blocks = List.copyOf(blocks);
    missingBlocks = List.copyOf(missingBlocks);
  }

  public ContextPack(
      String context, int tokens, int budget, boolean degraded, List<ContextBlock> blocks) {
    this(context, tokens, budget, degraded, blocks, List.of(), null, null);
  }

  /** The experiment a pack was served in, and the user's arm. */
  public record ExperimentArm(String name, String arm) {}

  public static ContextPack empty(int budget, boolean degraded) {
    return new ContextPack("", 0, budget, degraded, List.of());
  }

  /** This pack with its id and arm. */
  public ContextPack traced(@Nullable String id, @Nullable ExperimentArm arm) {
    return new ContextPack(context, tokens, budget, degraded, blocks, missingBlocks, id, arm);
  }

  /** This pack, saying which blocks it left out. */
  public ContextPack missing(List<BlockType> left) {
    return new ContextPack(context, tokens, budget, degraded, blocks, left, contextId, experiment);
  }

  /** Every item of every block, in rendered order. */
  public Stream<ContextItem> items() {
    return blocks.stream().flatMap(b -> b.items().stream());
  }

  public boolean isEmpty() {
    return blocks.isEmpty();
  }
}
