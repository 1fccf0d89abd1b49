package dev.attune.core.internal;

import dev.attune.core.effectiveness.ContextRecord;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.EngineMetrics;
import dev.attune.core.port.Store;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes what effectiveness needs without making anyone wait: callers hand events to a bounded
 * queue and go on (a full queue drops the event and counts it); one background thread writes them
 * in order, context records in batches (gathered for up to {@link #LINGER_MILLIS} ms), counters
 * summed per tenant and hour and written every {@link #COUNTER_FLUSH_MILLIS} ms. A record not yet
 * written is found here, so feedback that follows its context at once is not refused.
 */
final class EffectRecorder implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(EffectRecorder.class.getName());

  static final long COUNTER_FLUSH_MILLIS = 2_000;
  private static final int BATCH = 256;

  /** How long the writer waits after an event for more to write with it. */
  static final long LINGER_MILLIS = 50;

  private sealed interface Event {}

  private record Served(ContextRecord record, Map<String, Long> figures) implements Event {}

  private record Counted(TenantId tenant, Instant hour, Map<String, Long> add) implements Event {}

  private record Gauged(TenantId tenant, Instant hour, Map<String, Long> set) implements Event {}

  private record Active(TenantId tenant, UserId user, LocalDate day, String session, int messages)
      implements Event {}

  private record Job(Runnable run) implements Event {}

  private record HourKey(TenantId tenant, Instant hour) {}

  private record ActivityKey(TenantId tenant, UserId user, LocalDate day, String session) {}

  private final Store store;
  private final EngineMetrics metrics;
  private final BlockingQueue<Event> queue;
  private final Map<String, ContextRecord> unwritten = new ConcurrentHashMap<>();
  private final AtomicLong dropped = new AtomicLong();
  private final Thread thread;
  private volatile boolean started;
  private volatile boolean closed;

  // Touched by the writer thread only.
  private final Map<HourKey, Map<String, Long>> counters = new HashMap<>();
  private final Map<HourKey, Map<String, Long>> gauges = new HashMap<>();
  private final Map<ActivityKey, Integer> activity = new HashMap<>();
  private long lastFlush = System.nanoTime();

  EffectRecorder(Store store, EngineMetrics metrics, int capacity) {
    this.store = store;
    this.metrics = metrics;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.thread = new Thread(this::run, "attune-effects");
    thread.setDaemon(true);
  }

  /** Starts the writer thread (the engine's lifecycle calls it once wiring is done). */
  void start() {
    started = true;
    thread.start();
  }

  /** Keeps a served context's record and its counters. */
  void served(ContextRecord record, Map<String, Long> figures) {
    unwritten.put(key(record.tenant(), record.id()), record);
    if (!offer(new Served(record, figures))) {
      unwritten.remove(key(record.tenant(), record.id()));
    }
  }

  /** Adds to the tenant's counters of the hour of {@code at}. */
  void count(TenantId tenant, Instant at, Map<String, Long> add) {
    if (!add.isEmpty()) {
      offer(new Counted(tenant, at.truncatedTo(ChronoUnit.HOURS), add));
    }
  }

  /** Sets the tenant's gauges of the hour of {@code at}. */
  void gauge(TenantId tenant, Instant at, Map<String, Long> set) {
    offer(new Gauged(tenant, at.truncatedTo(ChronoUnit.HOURS), set));
  }

  /** Adds to the user's activity of the day of {@code at}. */
  void activity(TenantId tenant, UserId user, Instant at, String session, int messages) {
    offer(new Active(tenant, user, LocalDate.ofInstant(at, ZoneOffset.UTC), session, messages));
  }

  /** Runs {@code job} on the writer thread, after everything handed over before it. */
  void later(Runnable job) {
    offer(new Job(job));
  }

  /** A record served by this engine and not yet written. */
  Optional<ContextRecord> unwritten(TenantId tenant, String contextId) {
    return Optional.ofNullable(unwritten.get(key(tenant, contextId)));
  }

  /** Events dropped because the queue was full or the store failed. */
  long dropped() {
    return dropped.get();
  }

  /**
   * Waits until everything handed over before this call is written, counters included (tests,
   * commands that exit, close).
   */
  void flush() {
    if (!started || closed) {
      return; // nothing is written before the writer runs, nor after it stopped
    }
    CountDownLatch done = new CountDownLatch(1);
    Job marker =
        new Job(
            () -> {
              writeCounters();
              done.countDown();
            });
    try {
      if (!queue.offer(marker, 10, TimeUnit.SECONDS)) {
        return;
      }
      done.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean offer(Event e) {
    if (closed || !queue.offer(e)) {
      dropped.incrementAndGet();
      metrics.effectDropped();
      return false;
    }
    return true;
  }

  private static String key(TenantId tenant, String contextId) {
    return tenant.value() + "\u0000" + contextId;
  }

  private void run() {
    List<Event> batch = new ArrayList<>(BATCH);
    while (!closed || !queue.isEmpty()) {
      try {
        Event first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first != null) {
          batch.add(first);
          gather(batch);
          write(batch);
          batch.clear();
        }
        if (System.nanoTime() - lastFlush > TimeUnit.MILLISECONDS.toNanos(COUNTER_FLUSH_MILLIS)) {
          writeCounters();
        }
      } catch (InterruptedException e) {
        if (closed) {
          break;
        }
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "effectiveness writer: " + e.getMessage(), e);
      }
    }
    writeCounters();
  }

  /**
   * Adds to {@code batch} what arrives within {@link #LINGER_MILLIS} of its first event, up to
   * {@link #BATCH} events: one transaction for many served packs instead of one each, so the writer
   * takes less of the cores the requests need. A job (someone waits on it) or closing ends the
   * wait.
   */
  private void gather(List<Event> batch) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS);
    int seen = 0;
    while (true) {
      queue.drainTo(batch, BATCH - batch.size());
      for (; seen < batch.size(); seen++) {
        if (batch.get(seen) instanceof Job) {
          return;
        }
      }
      long left = deadline - System.nanoTime();
      if (batch.size() >= BATCH || left <= 0 || closed) {
        return;
      }
      Event next = queue.poll(left, TimeUnit.NANOSECONDS);
      if (next == null) {
        return;
      }
      batch.add(next);
    }
  }

  /** Writes events in order: consecutive records in one batch, jobs after what came before. */
  private void write(List<Event> events) {
    List<ContextRecord> records = new ArrayList<>();
    for (Event e : events) {
      switch (e) {
        case Served s -> {
          records.add(s.record());
          add(s.record().tenant(), s.record().at().truncatedTo(ChronoUnit.HOURS), s.figures());
        }
        case Counted c -> add(c.tenant(), c.hour(), c.add());
        case Gauged g ->
            gauges
                .computeIfAbsent(new HourKey(g.tenant(), g.hour()), k -> new HashMap<>())
                .putAll(g.set());
        case Active a ->
            activity.merge(
                new ActivityKey(a.tenant(), a.user(), a.day(), a.session()),
                a.messages(),
                Integer::sum);
        case Job j -> {
          writeRecords(records);
          try {
            j.run().run();
          } catch (RuntimeException ex) {
            LOG.log(
                System.Logger.Level.WARNING, "effectiveness job failed: " + ex.getMessage(), ex);
          }
        }
      }
    }
    writeRecords(records);
  }

  private void add(TenantId tenant, Instant hour, Map<String, Long> figures) {
    Map<String, Long> sums =
        counters.computeIfAbsent(new HourKey(tenant, hour), k -> new HashMap<>());
    figures.forEach((name, v) -> sums.merge(name, v, Long::sum));
  }

  private void writeRecords(List<ContextRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    try {
      store.putContextRecords(records);
    } catch (RuntimeException e) {
      dropped.addAndGet(records.size());
      LOG.log(
          System.Logger.Level.WARNING,
          "could not write " + records.size() + " context record(s): " + e.getMessage());
    } finally {
      records.forEach(r -> unwritten.remove(key(r.tenant(), r.id())));
      records.clear();
    }
  }

  private void writeCounters() {
    lastFlush = System.nanoTime();
    try {
      // Each entry leaves the maps once written: a failure part-way writes nothing twice.
      var acts = activity.entrySet().iterator();
      while (acts.hasNext()) {
        Map.Entry<ActivityKey, Integer> a = acts.next();
        ActivityKey k = a.getKey();
        store.addActivity(k.tenant(), k.user(), k.day(), k.session(), a.getValue());
        acts.remove();
      }
      Map<HourKey, Map<String, Long>> keys = new HashMap<>(counters);
      gauges.keySet().forEach(k -> keys.putIfAbsent(k, Map.of()));
      for (HourKey k : keys.keySet()) {
        store.addHourly(
            k.tenant(),
            k.hour(),
            counters.getOrDefault(k, Map.of()),
            gauges.getOrDefault(k, Map.of()));
        counters.remove(k);
        gauges.remove(k);
      }
    } catch (RuntimeException e) {
      // What is left is tried again at the next flush.
      LOG.log(
          System.Logger.Level.WARNING, "could not write effectiveness figures: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    flush();
    closed = true;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
