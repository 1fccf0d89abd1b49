package dev.attune.models;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Where the embedder's batches (what is learned) run: a pool of one thread per core, of which all
 * may embed while nothing is served, and one fewer while queries are (a query embedded within the
 * last {@link #SERVING_WINDOW_MILLIS}): learning then yields a core to serving and catches up when
 * the node is quiet. Queries themselves run on their caller's thread, never in this pool.
 */
final class LearningLane implements Executor {
  static final long SERVING_WINDOW_MILLIS = 1_000;

  private final ExecutorService pool;
  private final int threads;
  private volatile long lastQueryNanos = System.nanoTime() - 2 * window();
  private int running; // guarded by this

  LearningLane(ExecutorService pool, int threads) {
    this.pool = pool;
    this.threads = threads;
  }

  private static long window() {
    return TimeUnit.MILLISECONDS.toNanos(SERVING_WINDOW_MILLIS);
  }

  /** A query is being served: learning leaves it a core for a while. */
  void queried() {
    lastQueryNanos = System.nanoTime();
  }

  /** How many batch texts may be embedded at once now. */
  int limit() {
    boolean serving = System.nanoTime() - lastQueryNanos < window();
    return serving && threads > 1 ? threads - 1 : threads;
  }

  @Override
  public void execute(Runnable task) {
    pool.execute(
        () -> {
          acquire();
          try {
            task.run(); // always: its caller waits on it
          } finally {
            release();
          }
        });
  }

  /** Waits for room; interrupted (the pool shutting down), it stops waiting and runs anyway. */
  private synchronized void acquire() {
    while (running >= limit()) {
      try {
        wait(50); // the limit rises again when serving stops, without a signal
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    running++;
  }

  private synchronized void release() {
    running--;
    notifyAll();
  }
}
