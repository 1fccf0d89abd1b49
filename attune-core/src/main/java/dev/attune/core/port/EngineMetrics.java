package dev.attune.core.port;

import java.util.function.LongSupplier;

/**
 * What the engine reports as it works. The server binds this to Micrometer; the default does
 * nothing. Implementations must be cheap and thread-safe: they run on the context path.
 */
public interface EngineMetrics {
  EngineMetrics NOOP = new EngineMetrics() {};

  /** A context request was answered. */
  default void contextServed(long nanos, int tokens, boolean foundAnything, boolean degraded) {}

  /** A working-set lookup hit or missed the cache. */
  default void workingSetLookup(boolean hit) {}

  /**
   * Called once, when the engine starts: what its working-set cache holds (users, and the bytes its
   * estimate gives them), for gauges read when metrics are scraped.
   */
  default void workingSetCache(LongSupplier users, LongSupplier estimatedBytes) {}

  /** An observe call stored messages and changed memories. */
  default void observed(int messages, int added, int reinforced, int superseded) {}

  /**
   * A stage of learning took {@code nanos} for {@code messages} messages: {@code redaction}, {@code
   * extraction}, {@code embedding} or {@code store} (reads, consolidation and the write). CPU time
   * of the learning thread where the platform reports it; wall time for embedding (its pool works
   * while the learning thread waits) and on virtual threads (redaction, on the request's thread).
   */
  default void learningStage(String stage, int messages, long nanos) {}

  /** A queued observation was learned {@code lagNanos} after it was accepted. */
  default void learned(long lagNanos) {}

  /** A batched extraction failed; its messages stay buffered for a later attempt. */
  default void extractionFailed() {}

  /** An effectiveness event (a context record, counters) was dropped: its queue was full. */
  default void effectDropped() {}

  /** A reply was matched with the pack it was written with. */
  default void utilization(int itemsInjected, int itemsUsed) {}

  /** A correction was counted ({@code contradicted}, {@code edited} or {@code deleted}). */
  default void correction(String kind) {}

  /** The application sent feedback ({@code thumbs_up}, ...). */
  default void feedback(String signal) {}
}
