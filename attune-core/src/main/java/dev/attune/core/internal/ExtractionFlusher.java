package dev.attune.core.internal;

import dev.attune.core.api.ExtractionBuffer;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.MemoryStore;
import dev.attune.core.port.MemoryStore.AwaitingExtraction;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Flushes the extraction buffer in the background: every poll it asks the store which users have
 * messages awaiting extraction and extracts for those with a full batch or who have been quiet for
 * the idle time. At most {@code concurrency} users at a time (each is one model call), one flush
 * per user at a time.
 */
final class ExtractionFlusher implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ExtractionFlusher.class.getName());

  private final MemoryStore store;
  private final Supplier<Instant> now;
  private final BiConsumer<TenantId, UserId> flush;
  private final ExtractionBuffer buffer;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final Semaphore slots;
  private final ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();
  private final Object signal = new Object();
  private final Thread thread;
  private volatile boolean closed;

  public ExtractionFlusher(
      MemoryStore store,
      Supplier<Instant> now,
      ExtractionBuffer buffer,
      BiConsumer<TenantId, UserId> flush) {
    this.store = store;
    this.now = now;
    this.buffer = buffer;
    this.flush = flush;
    this.slots = new Semaphore(buffer.concurrency());
    this.thread = Thread.ofPlatform().daemon().name("attune-extraction").unstarted(this::run);
  }

  public void start() {
    thread.start();
  }

  /** Messages arrived: look now rather than at the next poll. */
  public void wake() {
    synchronized (signal) {
      signal.notifyAll();
    }
  }

  private void run() {
    while (!closed) {
      try {
        poll();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "cannot read the extraction buffer: " + e.getMessage());
      }
      synchronized (signal) {
        if (!closed) {
          try {
            signal.wait(buffer.poll().toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }

  private void poll() {
    Instant t = now.get();
    List<AwaitingExtraction> users = store.awaitingExtraction(t, 1000);
    for (AwaitingExtraction u : users) {
      boolean full = u.messages() >= buffer.maxMessages();
      boolean quiet = !Duration.between(u.newestArrival(), t).minus(buffer.idle()).isNegative();
      String key = u.tenant().value() + "/" + u.user().value();
      if ((full || quiet) && !closed && inFlight.add(key)) {
        try {
          slots.acquire();
        } catch (InterruptedException e) {
          inFlight.remove(key);
          Thread.currentThread().interrupt();
          return;
        }
        work.submit(
            () -> {
              try {
                flush.accept(u.tenant(), u.user());
              } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "extraction for a user failed: " + e.getMessage());
              } finally {
                inFlight.remove(key);
                slots.release();
              }
            });
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    wake();
    work.shutdown();
    try {
      thread.join(Duration.ofSeconds(5));
      work.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
