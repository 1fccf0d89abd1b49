package dev.attune.core.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * What a stage of learning costs: the CPU time of the thread that runs it, where the platform
 * reports it (platform threads), else wall time (virtual threads report none). Start and end are
 * read on the same thread, so each measurement is one or the other.
 */
final class StageClock {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final boolean CPU =
      THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();

  private StageClock() {}

  /** A reading to subtract from a later one on the same thread. */
  static long now() {
    if (CPU && !Thread.currentThread().isVirtual()) {
      long t = THREADS.getCurrentThreadCpuTime();
      if (t >= 0) {
        return t;
      }
    }
    return System.nanoTime();
  }
}
