package dev.attune.core.internal;

import dev.attune.core.api.ObserveResult;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.Observation;
import dev.attune.core.model.ObservationWithdrawnException;
import dev.attune.core.model.StoreException;
import dev.attune.core.model.TenantId;
import dev.attune.core.port.ObservationLog;
import dev.attune.core.port.ObservationLog.Claimed;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Processes accepted observations in the background: claims them from the {@link ObservationLog}
 * under a lease, observes them, and records the outcome. A transient failure (a locked database)
 * puts the observation back; anything else fails it after {@link #MAX_ATTEMPTS} tries, with the
 * reason recorded. One thread; a user's observations are processed in the order accepted.
 */
final class ObservationWorker implements AutoCloseable {
  /**
   * How long a claim lasts without renewal. A live worker renews its claims every {@link #RENEW},
   * so an observation may take as long as it needs; a dead worker's claims run out within this.
   */
  public static final Duration LEASE = Duration.ofSeconds(20);

  static final Duration RENEW = Duration.ofSeconds(5);
  static final int MAX_ATTEMPTS = 3;
  static final Duration IDLE_POLL = Duration.ofSeconds(1);
  private static final System.Logger LOG = System.getLogger(ObservationWorker.class.getName());

  /** Observes one claimed observation's messages. */
  public interface Processor {
    ObserveResult process(TenantId tenant, Observation observation);
  }

  private final ObservationLog log;
  private final Supplier<Instant> now;
  private final Processor processor;
  private final String id;
  private final Map<String, CompletableFuture<Void>> finished = new ConcurrentHashMap<>();
  private final Object signal = new Object();
  private final Thread thread;
  private final Thread renewer;
  private boolean wake;
  private volatile boolean closed;

  /**
   * @param id this process's worker id: the same after a restart, so that claims held when the
   *     process died are taken back at once
   */
  public ObservationWorker(
      ObservationLog log, Supplier<Instant> now, Processor processor, String id) {
    this.log = log;
    this.now = now;
    this.processor = processor;
    this.id = id;
    this.thread = Thread.ofPlatform().daemon().name("attune-observations").unstarted(this::run);
    this.renewer = Thread.ofVirtual().name("attune-observation-leases").unstarted(this::renew);
  }

  public void start() {
    thread.start();
    renewer.start();
  }

  /** Keeps this worker's claims alive while it lives. */
  private void renew() {
    while (!closed) {
      try {
        Thread.sleep(RENEW.toMillis());
        log.renew(id, now.get().plus(LEASE));
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "cannot renew observation leases: " + e.getMessage());
      }
    }
  }

  /** New work was accepted: look now rather than at the next poll. */
  public void wake() {
    synchronized (signal) {
      wake = true;
      signal.notifyAll();
    }
  }

  /** Completes when this process finishes the observation (others' work is seen by polling). */
  public CompletableFuture<Void> completion(TenantId tenant, String observationId) {
    return finished.computeIfAbsent(key(tenant, observationId), k -> new CompletableFuture<>());
  }

  private static String key(TenantId tenant, String id) {
    return tenant.value() + "/" + id;
  }

  private void run() {
    while (!closed) {
      List<Claimed> batch;
      try {
        batch = log.claim(id, now.get(), LEASE, 8);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "cannot claim observations: " + e.getMessage());
        idle();
        continue;
      }
      if (batch.isEmpty()) {
        idle();
        continue;
      }
      for (Claimed c : batch) {
        if (closed) {
          return;
        }
        handle(c);
      }
    }
  }

  private void idle() {
    synchronized (signal) {
      if (!wake && !closed) {
        try {
          signal.wait(IDLE_POLL.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          closed = true;
        }
      }
      wake = false;
    }
  }

  private void handle(Claimed c) {
    Observation o = c.observation();
    Observation end;
    try {
      ObserveResult r = processor.process(c.tenant(), o);
      end =
          o.done(
              now.get(),
              new Observation.Outcome(
                  r.stored(),
                  r.duplicates(),
                  r.added().stream().map(m -> m.id()).toList(),
                  r.reinforced().stream().map(m -> m.id()).toList(),
                  r.superseded().stream().map(m -> m.id()).toList(),
                  r.awaitingExtraction()));
    } catch (ObservationWithdrawnException withdrawn) {
      // Its user was erased meanwhile: the observation is gone, and nothing of it was written.
      LOG.log(Level.INFO, withdrawn.getMessage());
      CompletableFuture<Void> waiter = finished.remove(key(c.tenant(), o.id()));
      if (waiter != null) {
        waiter.complete(null);
      }
      return;
    } catch (RuntimeException e) {
      boolean transient_ = e instanceof StoreException s && s.retryable();
      if (o.attempts() < MAX_ATTEMPTS && !(e instanceof InvalidRequestException)) {
        LOG.log(Level.WARNING, "observation " + o.id() + " will be retried: " + e.getMessage());
        release(c);
        if (transient_) {
          idle();
        }
        return;
      }
      LOG.log(Level.ERROR, "observation " + o.id() + " failed: " + e.getMessage(), e);
      end =
          o.failed(
              now.get(), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
    try {
      log.finish(c.tenant(), id, end);
    } catch (RuntimeException e) {
      // The lease will run out and the observation will be taken again: observing is idempotent.
      LOG.log(
          Level.WARNING, "cannot record the end of observation " + o.id() + ": " + e.getMessage());
    }
    CompletableFuture<Void> waiter = finished.remove(key(c.tenant(), o.id()));
    if (waiter != null) {
      waiter.complete(null);
    }
  }

  private void release(Claimed c) {
    try {
      log.release(c.tenant(), id, c.observation().id());
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "cannot release observation " + c.observation().id() + ": " + e.getMessage());
    }
  }

  @Override
  public void close() {
    closed = true;
    wake();
    renewer.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
