package dev.attune.server.http;

import dev.attune.core.model.AuditEntry;
import dev.attune.core.model.TenantId;
import dev.attune.core.port.AccessStore;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes audit entries durably before the requests they describe end, with group commit: one writer
 * thread takes every entry waiting and appends them in one transaction per tenant, and each request
 * waits for its own entry's commit (a transaction per request would cost the request path more
 * under load; a background batch lost the last second before a crash). When the store cannot take
 * them, entries stay queued and are retried; the request is answered after {@link #WAIT} anyway,
 * and the failure is logged.
 */
final class AuditRecorder implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(AuditRecorder.class.getName());

  /** How long a request waits for its entry's commit before it is answered anyway. */
  static final Duration WAIT = Duration.ofSeconds(2);

  private record Pending(TenantId tenant, AuditEntry entry, CompletableFuture<Void> written) {}

  private final AccessStore store;
  private final List<Pending> pending = new ArrayList<>();
  private final Thread writer;
  private boolean closed;

  AuditRecorder(AccessStore store) {
    this.store = store;
    this.writer = Thread.ofPlatform().daemon().name("attune-audit").start(this::run);
  }

  /** Queues the entry and waits (up to {@link #WAIT}) until it is committed. */
  void record(TenantId tenant, AuditEntry entry) {
    await(submit(tenant, entry));
  }

  /**
   * Queues the entry without waiting; the future completes when it is committed. For a request
   * whose answer is already on its way (a proxied stream): the commit overlaps the rest of it, and
   * the request still waits for it ({@link #await}) before it ends.
   */
  CompletableFuture<Void> submit(TenantId tenant, AuditEntry entry) {
    CompletableFuture<Void> written = new CompletableFuture<>();
    synchronized (pending) {
      pending.add(new Pending(tenant, entry, written));
      pending.notifyAll();
    }
    return written;
  }

  /** Waits until everything queued now is written; what {@code GET /v1/audit} calls first. */
  void flush() {
    List<CompletableFuture<Void>> queued;
    synchronized (pending) {
      queued = pending.stream().map(Pending::written).toList();
    }
    queued.forEach(AuditRecorder::await);
  }

  /** Waits (up to {@link #WAIT}) until a {@link #submit submitted} entry is committed. */
  static void await(CompletableFuture<Void> written) {
    try {
      written.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.log(Level.WARNING, "an audit entry is not written yet; it stays queued");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      LOG.log(Level.ERROR, "an audit entry could not be written: " + e.getCause());
    }
  }

  private void run() {
    while (true) {
      List<Pending> batch;
      synchronized (pending) {
        while (pending.isEmpty() && !closed) {
          try {
            pending.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (pending.isEmpty()) {
          return; // closed and drained
        }
        batch = new ArrayList<>(pending);
        pending.clear();
      }
      write(batch);
    }
  }

  private void write(List<Pending> batch) {
    Map<TenantId, List<Pending>> byTenant = new LinkedHashMap<>();
    for (Pending p : batch) {
      byTenant.computeIfAbsent(p.tenant(), t -> new ArrayList<>()).add(p);
    }
    byTenant.forEach(
        (tenant, entries) -> {
          try {
            store.appendAudit(tenant, entries.stream().map(Pending::entry).toList());
            entries.forEach(p -> p.written().complete(null));
          } catch (RuntimeException e) {
            LOG.log(
                Level.ERROR,
                "cannot write " + entries.size() + " audit entries (retrying): " + e.getMessage());
            synchronized (pending) {
              pending.addAll(0, entries);
            }
            try {
              Thread.sleep(1_000);
            } catch (InterruptedException ie) {
              Thread.currentThread().interrupt();
            }
          }
        });
  }

  /** Writes what is queued, then stops the writer. */
  @Override
  public void close() {
    synchronized (pending) {
      closed = true;
      pending.notifyAll();
    }
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
