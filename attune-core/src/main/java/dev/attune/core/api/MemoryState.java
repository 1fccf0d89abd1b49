package dev.attune.core.api;

import dev.attune.core.model.Memory;
import java.util.Objects;

/**
 * A memory as it stands now: its stored confidence faded by the time since it was last stated (see
 * {@link dev.attune.core.retrieval.DecayPolicy}), and whether that leaves it dormant (kept and
 * listed, but not injected into context until stated again).
 *
 * @param memory the memory as stored
 * @param effectiveConfidence 0..1, after decay
 * @param dormant true when below the decay threshold
 */
public record MemoryState(Memory memory, double effectiveConfidence, boolean dormant) {
  public MemoryState {
    Objects.requireNonNull(memory, "memory");
  }
}
