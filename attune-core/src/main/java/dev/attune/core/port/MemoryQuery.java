package dev.attune.core.port;

import dev.attune.core.model.Category;
import dev.attune.core.model.MemoryStatus;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which of a user's memories to list. Results are ordered newest first (by creation time, then id),
 * so paging with offset is stable while nothing is added.
 *
 * @param statuses statuses to include; never empty
 * @param categories categories to include; empty means all
 * @param offset how many to skip
 * @param limit how many at most
 */
public record MemoryQuery(
    Set<MemoryStatus> statuses, Set<Category> categories, int offset, int limit) {
  public MemoryQuery {
    if (statuses.isEmpty()) {
      throw new IllegalArgumentException("statuses must not be empty");
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, got " + offset);
    }
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, got " + limit);
    }
    statuses = Set.copyOf(statuses);
    categories = Set.copyOf(categories);
  }

  /** Every active memory. */
  public static MemoryQuery active() {
    return new MemoryQuery(EnumSet.of(MemoryStatus.ACTIVE), Set.of(), 0, Integer.MAX_VALUE);
  }

  /** Every memory in any status. */
  public static MemoryQuery all() {
    return new MemoryQuery(EnumSet.allOf(MemoryStatus.class), Set.of(), 0, Integer.MAX_VALUE);
  }
}
