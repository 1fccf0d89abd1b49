package dev.attune.core.api;

import dev.attune.core.model.BlockType;
import dev.attune.core.model.InvalidRequestException;
import java.util.EnumMap;
import java.util.Map;

/**
 * Block priorities: higher is filled and rendered first. Defaults: compliance 100, session 90,
 * profile (role) 80, org 70, preferences 60, memories (historical facts) 40, history (general) 20.
 */
public final class Priorities {
  private final EnumMap<BlockType, Integer> values;

  private Priorities(EnumMap<BlockType, Integer> values) {
    this.values = values;
  }

  public static Priorities defaults() {
    EnumMap<BlockType, Integer> values = new EnumMap<>(BlockType.class);
    for (BlockType type : BlockType.values()) {
      values.put(type, type.defaultPriority());
    }
    return new Priorities(values);
  }

  /**
   * These priorities with the given overrides.
   *
   * @throws InvalidRequestException when a priority is outside 0..1000
   */
  public Priorities with(Map<BlockType, Integer> overrides) {
    EnumMap<BlockType, Integer> copy = new EnumMap<>(values);
    for (Map.Entry<BlockType, Integer> e : overrides.entrySet()) {
      int p = e.getValue();
      if (p < 0 || p > 1000) {
        String field = "priority." + e.getKey().wireName();
        throw new InvalidRequestException(field, field + " must be within 0..1000, got " + p);
      }
      copy.put(e.getKey(), p);
    }
    return new Priorities(copy);
  }

  public int of(BlockType type) {
    return values.get(type);
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
