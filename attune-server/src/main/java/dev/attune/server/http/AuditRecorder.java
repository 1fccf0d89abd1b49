package dev.attune.server.http;

import dev.attune.core.model.AuditEntry;
import dev.attune.core.model.TenantId;
import dev.attune.core.port.AccessStore;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes audit entries in the background, batched once a second (a write per request would cost the
 * request path a transaction). Entries of the last second before a crash can be lost; a clean stop
 * flushes them.
 */
final class AuditRecorder implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(AuditRecorder.class.getName());

  private final AccessStore store;
  private final Map<TenantId, List<AuditEntry>> pending = new LinkedHashMap<>();
  private final ScheduledExecutorService flusher =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("attune-audit").unstarted(r));

  AuditRecorder(AccessStore store) {
    this.store = store;
    flusher.scheduleWithFixedDelay(this::flush, 1, 1, TimeUnit.SECONDS);
  }

  void record(TenantId tenant, AuditEntry entry) {
    synchronized (pending) {
      pending.computeIfAbsent(tenant, t -> new ArrayList<>()).add(entry);
    }
  }

  /** Writes what is buffered now; also what {@code GET /v1/audit} calls before reading. */
  void flush() {
    Map<TenantId, List<AuditEntry>> batch;
    synchronized (pending) {
      if (pending.isEmpty()) {
        return;
      }
      batch = new LinkedHashMap<>(pending);
      pending.clear();
    }
    batch.forEach(
        (tenant, entries) -> {
          try {
            store.appendAudit(tenant, entries);
          } catch (RuntimeException e) {
            LOG.log(
                Level.ERROR,
                "cannot write " + entries.size() + " audit entries: " + e.getMessage());
            synchronized (pending) {
              pending.computeIfAbsent(tenant, t -> new ArrayList<>()).addAll(0, entries);
            }
          }
        });
  }

  @Override
  public void close() {
    flusher.shutdown();
    try {
      flusher.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flush();
  }
}
