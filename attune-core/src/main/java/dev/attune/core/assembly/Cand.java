package dev.attune.core.assembly;

import dev.attune.core.api.ContextItem;
import dev.attune.core.model.BlockType;
import org.jspecify.annotations.Nullable;

/** A candidate item: its pack entry (tokens filled at render), rendered line and line tokens. */
final class Cand {
  final ContextItem item;
  final String line;
  final int tokens;
  final long renderKey;
  boolean chosen;
  // Fitted only after every other block's items (rendered at its block's place all the same).
  boolean deferred;
  @Nullable BlockType type;

  Cand(ContextItem item, String line, int tokens, long renderKey) {
    this.item = item;
    this.line = line;
    this.tokens = tokens;
    this.renderKey = renderKey;
  }

  ContextItem item(int lineTokens) {
    return new ContextItem(
        item.id(),
        item.kind(),
        item.text(),
        item.category(),
        item.score(),
        lineTokens,
        item.sources());
  }
}
