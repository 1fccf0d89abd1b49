package dev.attune.core.port;

import dev.attune.core.model.Observation;
import dev.attune.core.model.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The durable queue of accepted observations and their outcomes. Processing is claimed with a
 * lease, so that several Attune processes on one database each take different work, one observation
 * per user at a time (a user's observations are processed in the order accepted), and work claimed
 * by a process that died is taken again when its lease runs out.
 *
 * <p>{@link #claim} serves every tenant (it is the worker's queue); every other method is keyed by
 * tenant. Thread-safe; each method is one transaction.
 */
public interface ObservationLog {
  /**
   * What is accepted and not yet learned, across tenants: how many observations are pending or
   * running, and when the oldest of them was accepted (null when none). Read for the queue's bound
   * and the learning lag; one indexed count.
   */
  Backlog backlog();

  /** Observations accepted and not yet learned. */
  record Backlog(long observations, @org.jspecify.annotations.Nullable Instant oldestReceivedAt) {
    /** Nothing waits. */
    public static final Backlog EMPTY = new Backlog(0, null);

    /** Seconds the oldest waiting observation has waited at {@code now}; 0 when none waits. */
    public double lagSeconds(Instant now) {
      return oldestReceivedAt == null
          ? 0
          : Math.max(0, Duration.between(oldestReceivedAt, now).toMillis() / 1000.0);
    }
  }

  /** Stores a pending observation. */
  void enqueue(TenantId tenant, Observation observation);

  /** A claimed observation and the tenant it belongs to. */
  record Claimed(TenantId tenant, Observation observation) {}

  /**
   * Marks up to {@code limit} observations as running for {@code worker} until {@code now + lease}
   * and returns them: the oldest pending observation of each user that has none running. A running
   * one whose lease has expired counts as pending again, and so does one {@code worker} itself
   * holds: a process restarted with the same worker id takes back its claims at once.
   */
  List<Claimed> claim(String worker, Instant now, Duration lease, int limit);

  /**
   * Extends every lease {@code worker} holds to {@code until}: a live worker keeps its claims
   * however long an observation takes, and a dead one's run out one short lease later.
   */
  void renew(String worker, Instant until);

  /**
   * Records the end of an observation claimed by {@code worker}: done or failed, with its outcome
   * or error; its messages are dropped (they are episodes now, or were refused). Returns false if
   * the claim was lost (the lease ran out and another worker took it).
   */
  boolean finish(TenantId tenant, String worker, Observation finished);

  /** Puts a claimed observation back to pending (to retry after a transient failure). */
  void release(TenantId tenant, String worker, String id);

  Optional<Observation> findObservation(TenantId tenant, String id);
}
