package dev.attune.server;

import dev.attune.core.model.TenantId;
import dev.attune.core.port.EngineMetrics;
import dev.attune.core.port.UsageMeter;
import dev.attune.metrics.MicrometerEngineMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * The engine's and the API's metrics in Micrometer, exposed in Prometheus text at {@code /metrics}.
 * No user ids anywhere; tenant ids only on the chat-model meters, whose cost is billed per tenant.
 */
public final class ServerMetrics implements EngineMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MicrometerEngineMetrics engine = new MicrometerEngineMetrics(registry);
  private final Set<TenantId> tenants = ConcurrentHashMap.newKeySet();
  private volatile long memories;
  private volatile long memoriesCountedAt;

  @Override
  public void workingSetCache(LongSupplier users, LongSupplier estimatedBytes) {
    engine.workingSetCache(users, estimatedBytes);
  }

  /** A gauge's value, or NaN when there is none by that name. */
  public double gauge(String name) {
    Gauge g = registry.find(name).gauge();
    return g == null ? Double.NaN : g.value();
  }

  @Override
  public void contextServed(long nanos, int tokens, boolean foundAnything, boolean degraded) {
    engine.contextServed(nanos, tokens, foundAnything, degraded);
  }

  @Override
  public void workingSetLookup(boolean hit) {
    engine.workingSetLookup(hit);
  }

  @Override
  public void observed(int messages, int added, int reinforced, int superseded) {
    engine.observed(messages, added, reinforced, superseded);
  }

  @Override
  public void learningStage(String stage, int messages, long nanos) {
    engine.learningStage(stage, messages, nanos);
  }

  @Override
  public void learned(long lagNanos) {
    engine.learned(lagNanos);
  }

  /** A counter with this name and stage tag so far; 0 when none. */
  public double counter(String name, String stage) {
    Counter c = registry.find(name).tag("stage", stage).counter();
    return c == null ? 0 : c.count();
  }

  /** Milliseconds recorded by a timer with this name and stage tag so far; 0 when none. */
  public double timerTotalMs(String name, String stage) {
    Timer t = registry.find(name).tag("stage", stage).timer();
    return t == null ? 0 : t.totalTime(TimeUnit.MILLISECONDS);
  }

  @Override
  public void extractionFailed() {
    engine.extractionFailed();
  }

  @Override
  public void effectDropped() {
    engine.effectDropped();
  }

  @Override
  public void utilization(int itemsInjected, int itemsUsed) {
    engine.utilization(itemsInjected, itemsUsed);
  }

  @Override
  public void correction(String kind) {
    engine.correction(kind);
  }

  @Override
  public void feedback(String signal) {
    engine.feedback(signal);
  }

  /** One chat-model call: counted, its tokens added and its latency timed, per tenant. */
  void record(UsageMeter.ModelCall call) {
    String tenant = call.tenant().value();
    Counter.builder("attune.model.calls")
        .description("Chat model calls, by tenant, operation, model and outcome")
        .tag("tenant", tenant)
        .tag("operation", call.operation())
        .tag("model", call.model())
        .tag("outcome", call.ok() ? "ok" : "failed")
        .register(registry)
        .increment();
    for (String direction : new String[] {"input", "output"}) {
      Counter.builder("attune.model.tokens")
          .description("Chat model tokens as the provider reported them")
          .tag("tenant", tenant)
          .tag("operation", call.operation())
          .tag("model", call.model())
          .tag("direction", direction)
          .register(registry)
          .increment(direction.equals("input") ? call.inputTokens() : call.outputTokens());
    }
    Timer.builder("attune.model.latency")
        .description("Chat model call latency")
        .tag("tenant", tenant)
        .tag("operation", call.operation())
        .tag("model", call.model())
        .register(registry)
        .record(call.latency());
  }

  /** Registers the gauge of active memories, counted over the tenants this process has served. */
  public void countMemoriesWith(ToLongFunction<TenantId> counter) {
    Gauge.builder("attune.memories.stored", this, m -> m.memories(counter))
        .description("Active memories held, over the tenants this process has served")
        .register(registry);
  }

  private double memories(ToLongFunction<TenantId> counter) {
    long now = System.nanoTime();
    // Counted at most every 15 s: scrapes should not cost a query per tenant each time.
    if (now - memoriesCountedAt > TimeUnit.SECONDS.toNanos(15)) {
      long sum = 0;
      for (TenantId t : tenants) {
        sum += counter.applyAsLong(t);
      }
      memories = sum;
      memoriesCountedAt = now;
    }
    return memories;
  }

  public void sawTenant(TenantId tenant) {
    tenants.add(tenant);
  }

  public void http(String method, String route, int status, long nanos) {
    Timer.builder("attune.http.requests")
        .tag("method", method)
        .tag("route", route)
        .tag("status", Integer.toString(status))
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  public void observationAccepted() {
    Counter.builder("attune.observations.accepted").register(registry).increment();
  }

  public String scrape() {
    return registry.scrape();
  }
}
