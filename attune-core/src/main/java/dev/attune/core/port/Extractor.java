package dev.attune.core.port;

import java.util.List;

/** Proposes facts about a user from their messages. Thread-safe. */
public interface Extractor {
  /** Names the extractor in history entries, e.g. {@code heuristic}. */
  String id();

  /** The candidates found, in the order of the messages they came from. */
  List<Candidate> extract(ExtractionRequest request);
}
