package dev.attune.core;

import dev.attune.core.model.Memory;
import java.util.List;

/**
 * What an observe call changed.
 *
 * @param stored messages stored as new episodes
 * @param duplicates messages skipped because their id was already stored
 * @param added memories created
 * @param reinforced existing memories stated again
 * @param superseded memories replaced by newer ones (now closed, kept in history)
 */
public record ObserveResult(
    int stored,
    int duplicates,
    List<Memory> added,
    List<Memory> reinforced,
    List<Memory> superseded) {
  public ObserveResult {
    added = List.copyOf(added);
    reinforced = List.copyOf(reinforced);
    superseded = List.copyOf(superseded);
  }
}
