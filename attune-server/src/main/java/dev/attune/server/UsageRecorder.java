package dev.attune.server;

import dev.attune.core.port.AccessStore;
import dev.attune.core.port.UsageMeter;
import java.time.InstantSource;

/**
 * Meters every chat-model call twice: in the Prometheus metrics (per tenant, operation, model) and
 * durably in the store (per day, for {@code GET /v1/usage}). A failure to store is logged, never
 * passed to the call it measures.
 */
public final class UsageRecorder implements UsageMeter {
  private static final System.Logger LOG = System.getLogger(UsageRecorder.class.getName());

  private final ServerMetrics metrics;
  private final AccessStore store;
  private final InstantSource clock;

  public UsageRecorder(ServerMetrics metrics, AccessStore store, InstantSource clock) {
    this.metrics = metrics;
    this.store = store;
    this.clock = clock;
  }

  @Override
  public void record(ModelCall call) {
    metrics.record(call);
    try {
      store.recordUsage(call, clock.instant());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "could not store model usage: " + e.getMessage());
    }
  }
}
