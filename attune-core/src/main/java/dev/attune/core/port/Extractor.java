package dev.attune.core.port;

import java.util.List;

/** Proposes facts about a user from their messages. Thread-safe. */
public interface Extractor {
  /** Names the extractor in history entries, e.g. {@code heuristic}. */
  String id();

  /**
   * The candidates found, in the order of the messages they came from.
   *
   * @throws dev.attune.core.model.ExtractionException when it fails after its own retries (the
   *     messages are tried again later)
   */
  List<Candidate> extract(ExtractionRequest request);

  /**
   * True when each call is costly (a chat model): observe then stores messages at once and extracts
   * from them in batches per user, when enough have gathered or the user went quiet.
   */
  default boolean batched() {
    return false;
  }
}
