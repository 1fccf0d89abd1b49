package dev.attune.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.attune.server.ServerMetrics;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/** What the heap holds, measured by the benchmarks that run the server in their own process. */
final class HeapProbes {
  private HeapProbes() {}

  /**
   * The heap in use after a full collection, and the cached working sets' share of it. Forced, so
   * taken only outside the measured minutes: before the first request, five seconds before the
   * warm-up ends (pools, JIT and caches filled; the requests the pause delays fall in the warm-up)
   * and after the last request.
   */
  record LiveHeap(long heapMb, long cachedWorkingSetsMb) {
    static LiveHeap measure(ServerMetrics metrics) {
      System.gc();
      System.gc();
      return new LiveHeap(
          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20,
          (long) metrics.gauge("attune.working.sets.cached.bytes") >> 20);
    }

    long restMb() {
      return heapMb - cachedWorkingSetsMb;
    }
  }

  /**
   * The heap in use right after the latest collection, as the collectors report it (no collection
   * is forced: a forced one would pause the server being measured).
   */
  static final class HeapAfterGc implements AutoCloseable {
    private final AtomicLong lastBytes = new AtomicLong(-1);
    private final List<Runnable> unregister = new ArrayList<>();

    static HeapAfterGc watch() {
      HeapAfterGc h = new HeapAfterGc();
      Set<String> heapPools = new HashSet<>();
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          heapPools.add(pool.getName());
        }
      }
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        if (gc instanceof NotificationEmitter emitter) {
          NotificationListener listener =
              (n, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                    n.getType())) {
                  GarbageCollectionNotificationInfo info =
                      GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                  long used = 0;
                  for (Map.Entry<String, MemoryUsage> e :
                      info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                    if (heapPools.contains(e.getKey())) {
                      used += e.getValue().getUsed();
                    }
                  }
                  h.lastBytes.set(used);
                }
              };
          emitter.addNotificationListener(listener, null, null);
          h.unregister.add(
              () -> {
                try {
                  emitter.removeNotificationListener(listener);
                } catch (javax.management.ListenerNotFoundException ignored) {
                  // already gone
                }
              });
        }
      }
      return h;
    }

    /** MB in use after the latest collection; -1 before the first. */
    long lastMb() {
      long b = lastBytes.get();
      return b < 0 ? -1 : b >> 20;
    }

    @Override
    public void close() {
      unregister.forEach(Runnable::run);
    }
  }
}
