package dev.attune.core.api;

import dev.attune.core.model.BlockType;
import java.util.List;
import java.util.Objects;

/**
 * One block of a context pack.
 *
 * @param type which block
 * @param priority its priority in this pack
 * @param tokens tokens its rendered section takes, title included
 * @param items its items, in rendered order
 */
public record ContextBlock(BlockType type, int priority, int tokens, List<ContextItem> items) {
  public ContextBlock {
    Objects.requireNonNull(type, "type");
    items = List.copyOf(items);
  }
}
