package dev.attune.server.http;

import dev.attune.core.Attune;
import dev.attune.core.port.ObservationLog;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What this node's store holds accepted and not yet learned, read at most every {@link
 * #FRESH_MILLIS} (one count for many observe calls), for the queue's bound and {@code /health}.
 * Learning yields to serving under load, so the queue grows; past {@code observe_queue_max} new
 * observations are refused with 503 and {@code Retry-After} until it drains. Context is never
 * refused for it, and nothing already accepted is dropped.
 */
final class LearningBacklog {
  static final long FRESH_MILLIS = 250;

  private final Attune attune;
  private final long max;
  private final InstantSource clock;
  private final AtomicReference<Read> last = new AtomicReference<>();

  private record Read(long atNanos, ObservationLog.Backlog backlog) {}

  LearningBacklog(Attune attune, long max, InstantSource clock) {
    this.attune = attune;
    this.max = max;
    this.clock = clock;
  }

  ObservationLog.Backlog now() {
    Read r = last.get();
    long t = System.nanoTime();
    if (r == null || t - r.atNanos() > FRESH_MILLIS * 1_000_000) {
      r = new Read(t, attune.observationBacklog());
      last.set(r);
    }
    return r.backlog();
  }

  /**
   * Refuses a new observation when the queue is at its bound: 503, retry after about as long as the
   * oldest has waited (1 to 60 s).
   */
  void admit() {
    if (max <= 0) {
      return;
    }
    ObservationLog.Backlog b = now();
    if (b.observations() >= max) {
      long retry = Math.max(1, Math.min(60, Math.round(b.lagSeconds(clock.instant()))));
      throw HttpError.serviceUnavailable(
          "learning_backlog_full",
          "this node has "
              + b.observations()
              + " observations waiting to be learned (observe_queue_max "
              + max
              + "); nothing was accepted: retry after "
              + retry
              + " s",
          retry);
    }
  }
}
