package dev.attune.core.model;

import java.util.UUID;

/**
 * Identifies a memory within its user's store.
 *
 * @param value 1-128 characters of letters, digits and {@code . _ : @ + -}
 */
public record MemoryId(String value) {
  public MemoryId {
    Ids.check("memory_id", value);
  }

  public static MemoryId of(String value) {
    return new MemoryId(value);
  }

  public static MemoryId random() {
    return new MemoryId("mem_" + UUID.randomUUID().toString().replace("-", ""));
  }

  @Override
  public String toString() {
    return value;
  }
}
