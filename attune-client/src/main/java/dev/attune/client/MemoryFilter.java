package dev.attune.client;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Which memories to list.
 *
 * @param statuses {@code active}, {@code superseded}, {@code deleted} or {@code all}; empty means
 *     active
 * @param categories only these categories; empty for all
 * @param limit page size, 1..500; null for the server's default (100)
 * @param offset how many to skip; null for 0
 */
public record MemoryFilter(
    List<String> statuses,
    List<String> categories,
    @Nullable Integer limit,
    @Nullable Integer offset) {
  public MemoryFilter {
    statuses = List.copyOf(statuses);
    categories = List.copyOf(categories);
  }

  public static MemoryFilter active() {
    return new MemoryFilter(List.of(), List.of(), null, null);
  }

  public static MemoryFilter all() {
    return new MemoryFilter(List.of("all"), List.of(), null, null);
  }

  public MemoryFilter page(int newLimit, int newOffset) {
    return new MemoryFilter(statuses, categories, newLimit, newOffset);
  }
}
