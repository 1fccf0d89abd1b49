package dev.attune.core.api;

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
 * @param awaitingExtraction messages stored whose facts a batched extractor (a chat model) will
 *     extract later, with the user's next messages or when the user goes quiet
 */
public record ObserveResult(
    int stored,
    int duplicates,
    List<Memory> added,
    List<Memory> reinforced,
    List<Memory> superseded,
    int awaitingExtraction) {
  public ObserveResult(
      int stored,
      int duplicates,
      List<Memory> added,
      List<Memory> reinforced,
      List<Memory> superseded) {
    this(stored, duplicates, added, reinforced, superseded, 0);
  }

  /** Nothing changed; {@code awaitingExtraction} messages still wait for the extractor. */
  public static ObserveResult unchanged(int awaitingExtraction) {
    return new ObserveResult(0, 0, List.of(), List.of(), List.of(), awaitingExtraction);
  }

  public ObserveResult {
    added = List.copyOf(added);
    reinforced = List.copyOf(reinforced);
    superseded = List.copyOf(superseded);
  }
}
