package dev.attune.metrics;

import dev.attune.core.port.EngineMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The engine's metrics ({@code attune.context.*}, {@code attune.working.set.lookups}, {@code
 * attune.working.sets.cached[.bytes]}, {@code attune.observe.messages}, {@code
 * attune.memories.changes}, effectiveness counters) in a Micrometer registry: serve's Prometheus
 * registry, or a Spring application's. No user ids.
 */
public final class MicrometerEngineMetrics implements EngineMetrics {
  private final MeterRegistry registry;
  private final Timer contextLatency;
  private final DistributionSummary contextTokens;
  private final Counter contextFound;
  private final Counter contextEmpty;
  private final Counter contextDegraded;
  private final Counter workingSetHits;
  private final Counter workingSetMisses;
  private final Counter observedMessages;
  private final Counter added;
  private final Counter reinforced;
  private final Counter superseded;
  private final Timer learningLag;

  public MicrometerEngineMetrics(MeterRegistry registry) {
    this.registry = registry;
    contextLatency =
        Timer.builder("attune.context.latency")
            .description("Time to build a context pack")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(2))
            .register(registry);
    contextTokens =
        DistributionSummary.builder("attune.context.tokens")
            .description("Tokens of the context packs served")
            .serviceLevelObjectives(100, 250, 500, 1000, 2000, 4000, 8000)
            .register(registry);
    contextFound =
        Counter.builder("attune.context.requests")
            .tag("result", "found")
            .description("Context requests, by whether anything was found")
            .register(registry);
    contextEmpty =
        Counter.builder("attune.context.requests").tag("result", "empty").register(registry);
    contextDegraded =
        Counter.builder("attune.context.degraded")
            .description("Context requests answered without retrieval because it was too slow")
            .register(registry);
    workingSetHits =
        Counter.builder("attune.working.set.lookups")
            .tag("result", "hit")
            .description("Working-set cache lookups")
            .register(registry);
    workingSetMisses =
        Counter.builder("attune.working.set.lookups").tag("result", "miss").register(registry);
    observedMessages =
        Counter.builder("attune.observe.messages")
            .description("Messages stored by observe")
            .register(registry);
    added =
        Counter.builder("attune.memories.changes")
            .tag("change", "added")
            .description("Memory changes made by observe")
            .register(registry);
    reinforced =
        Counter.builder("attune.memories.changes").tag("change", "reinforced").register(registry);
    superseded =
        Counter.builder("attune.memories.changes").tag("change", "superseded").register(registry);
    learningLag =
        Timer.builder("attune.learning.lag")
            .description("From an observation's acceptance to its messages learned")
            .publishPercentiles(0.5, 0.95)
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofMinutes(10))
            .register(registry);
    // Registered at start, so that a scrape shows them at zero before the first event.
    effectDropped(0);
    utilization(0, 0);
    for (String kind : new String[] {"contradicted", "edited", "deleted"}) {
      correction(kind, 0);
    }
    for (String signal :
        new String[] {"thumbs_up", "thumbs_down", "rating", "task_completed", "task_abandoned"}) {
      feedback(signal, 0);
    }
  }

  @Override
  public void contextServed(long nanos, int tokens, boolean foundAnything, boolean degraded) {
    contextLatency.record(nanos, TimeUnit.NANOSECONDS);
    contextTokens.record(tokens);
    (foundAnything ? contextFound : contextEmpty).increment();
    if (degraded) {
      contextDegraded.increment();
    }
  }

  @Override
  public void workingSetLookup(boolean hit) {
    (hit ? workingSetHits : workingSetMisses).increment();
  }

  @Override
  public void workingSetCache(LongSupplier users, LongSupplier estimatedBytes) {
    // Strong references: a gauge holds its object weakly, and nothing else holds these lambdas.
    Gauge.builder("attune.working.sets.cached", users, LongSupplier::getAsLong)
        .description("Users whose working set is cached")
        .strongReference(true)
        .register(registry);
    Gauge.builder("attune.working.sets.cached.bytes", estimatedBytes, LongSupplier::getAsLong)
        .description("Memory the cached working sets take, as the cache estimates it")
        .baseUnit("bytes")
        .strongReference(true)
        .register(registry);
  }

  @Override
  public void observed(int messages, int addedCount, int reinforcedCount, int supersededCount) {
    observedMessages.increment(messages);
    added.increment(addedCount);
    reinforced.increment(reinforcedCount);
    superseded.increment(supersededCount);
  }

  @Override
  public void learningStage(String stage, int messages, long nanos) {
    Timer.builder("attune.learning.stage")
        .tag("stage", stage)
        .description("Time learning spends per stage (CPU time of the learning thread where known)")
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
    Counter.builder("attune.learning.stage.messages")
        .tag("stage", stage)
        .description("Messages that went through each stage of learning")
        .register(registry)
        .increment(messages);
  }

  @Override
  public void learned(long lagNanos) {
    learningLag.record(lagNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void extractionFailed() {
    Counter.builder("attune.extraction.failures")
        .description("Batches a chat model could not extract; kept for a later retry")
        .register(registry)
        .increment();
  }

  @Override
  public void effectDropped() {
    effectDropped(1);
  }

  private void effectDropped(int n) {
    Counter.builder("attune.effects.dropped")
        .description(
            "Context records and effectiveness figures dropped: the writer's queue was full")
        .register(registry)
        .increment(n);
  }

  @Override
  public void utilization(int itemsInjected, int itemsUsed) {
    Counter.builder("attune.utilization.items")
        .tag("result", "injected")
        .description("Items of packs whose reply was observed: injected, and used by the reply")
        .register(registry)
        .increment(itemsInjected);
    Counter.builder("attune.utilization.items")
        .tag("result", "used")
        .register(registry)
        .increment(itemsUsed);
  }

  @Override
  public void correction(String kind) {
    correction(kind, 1);
  }

  private void correction(String kind, int n) {
    Counter.builder("attune.corrections")
        .tag("kind", kind)
        .description("Corrections of memories: contradicted after injection, edited, deleted")
        .register(registry)
        .increment(n);
  }

  @Override
  public void feedback(String signal) {
    feedback(signal, 1);
  }

  private void feedback(String signal, int n) {
    Counter.builder("attune.feedback")
        .tag("signal", signal)
        .description("Feedback the application sent, by signal")
        .register(registry)
        .increment(n);
  }
}
