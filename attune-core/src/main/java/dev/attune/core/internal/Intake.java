package dev.attune.core.internal;

import dev.attune.core.api.ObserveRequest;
import dev.attune.core.api.ObserveResult;
import dev.attune.core.model.AttuneException;
import dev.attune.core.model.DataPolicy;
import dev.attune.core.model.Message;
import dev.attune.core.model.Observation;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.model.UserRecord;
import dev.attune.core.port.EngineMetrics;
import dev.attune.core.port.Store;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Accepting observed messages: the request was validated when it was built; here its messages are
 * redacted once, before anything is stored, then either learned from at once ({@link #observe}) or
 * queued durably for the background worker ({@link #submit}), which learns from them as they were
 * stored, without redacting again.
 */
public final class Intake implements AutoCloseable {
  private final Store store;
  private final PrivacyGuard privacy;
  private final Learner learner;
  private final EffectTracker tracker;
  private final UserLocks locks;
  private final Supplier<Instant> now;
  private final EngineMetrics metrics;
  private final ObservationWorker worker;

  public Intake(
      Store store,
      PrivacyGuard privacy,
      Learner learner,
      EffectTracker tracker,
      UserLocks locks,
      Supplier<Instant> now,
      EngineMetrics metrics,
      String node) {
    this.store = store;
    this.privacy = privacy;
    this.learner = learner;
    this.tracker = tracker;
    this.locks = locks;
    this.now = now;
    this.metrics = metrics;
    this.worker = new ObservationWorker(store, now, this::process, node);
  }

  /**
   * Starts the observation worker: observations accepted before a crash or by another process are
   * drained from then on.
   */
  public void start() {
    worker.start();
  }

  /** See {@link dev.attune.core.Attune#observe}. */
  public ObserveResult observe(ObserveRequest request) {
    TenantId tenant = request.tenant();
    UserId user = request.user();
    Instant at = now.get();
    ObserveResult result =
        locks.locked(
            tenant,
            user,
            () -> {
              UserRecord existing = store.findUser(tenant, user).orElse(null);
              DataPolicy policy = policyOf(tenant, request.org(), existing);
              PrivacyGuard.RedactedMessages redacted = redact(user, policy, request.messages(), at);
              return learner.storeAndLearn(
                  tenant,
                  user,
                  request.org(),
                  request.sessionId(),
                  redacted.messages(),
                  existing,
                  policy,
                  redacted.audit(),
                  at,
                  null);
            });
    tracker.observed(tenant, user, request.sessionId(), request.messages(), result, at);
    return result;
  }

  /** See {@link dev.attune.core.Attune#submit}. */
  public String submit(ObserveRequest request) {
    TenantId tenant = request.tenant();
    UserId user = request.user();
    Instant at = now.get();
    UserRecord existing = store.findUser(tenant, user).orElse(null);
    // Redacted before the queue stores them: raw personal data never reaches the disk.
    PrivacyGuard.RedactedMessages redacted =
        redact(user, policyOf(tenant, request.org(), existing), request.messages(), at);
    List<Message> fixed = new ArrayList<>(redacted.messages().size());
    for (int i = 0; i < redacted.messages().size(); i++) {
      Message m = redacted.messages().get(i);
      fixed.add(
          new Message(
              m.role(),
              m.content(),
              m.id() != null ? m.id() : "msg_" + UUID.randomUUID().toString().replace("-", ""),
              // Microseconds apart, so messages without times keep their order.
              m.timestamp() != null
                  ? m.timestamp().truncatedTo(ChronoUnit.MICROS)
                  : at.plusNanos(1000L * i),
              m.name(),
              m.contextId()));
    }
    String id = "obs_" + UUID.randomUUID().toString().replace("-", "");
    store.enqueue(
        tenant,
        Observation.pending(
            id, user, request.org(), request.sessionId(), fixed, request.actor(), at));
    if (!redacted.audit().isEmpty()) {
      store.appendAudit(tenant, redacted.audit());
    }
    worker.wake();
    return id;
  }

  private PrivacyGuard.RedactedMessages redact(
      UserId user, DataPolicy policy, List<Message> messages, Instant at) {
    long t0 = StageClock.now();
    PrivacyGuard.RedactedMessages redacted = privacy.redact(user, policy, messages, at);
    metrics.learningStage("redaction", messages.size(), StageClock.now() - t0);
    return redacted;
  }

  /** A queued observation, as accepted: its messages are already redacted, ids and times set. */
  private ObserveResult process(TenantId tenant, Observation o) {
    Instant at = now.get();
    ObserveResult result =
        locks.locked(
            tenant,
            o.user(),
            () -> {
              UserRecord existing = store.findUser(tenant, o.user()).orElse(null);
              return learner.storeAndLearn(
                  tenant,
                  o.user(),
                  o.org(),
                  o.sessionId(),
                  o.messages(),
                  existing,
                  policyOf(tenant, o.org(), existing),
                  List.of(),
                  at,
                  o.id());
            });
    tracker.observed(tenant, o.user(), o.sessionId(), o.messages(), result, at);
    metrics.learned(Math.max(0, Duration.between(o.receivedAt(), now.get()).toNanos()));
    return result;
  }

  private DataPolicy policyOf(TenantId tenant, @Nullable OrgId org, @Nullable UserRecord existing) {
    return privacy.policyFor(tenant, org != null ? org : existing != null ? existing.org() : null);
  }

  /** See {@link dev.attune.core.Attune#observation}. */
  public Optional<Observation> observation(TenantId tenant, String observationId) {
    return store.findObservation(tenant, observationId);
  }

  /** See {@link dev.attune.core.Attune#awaitObservation}. */
  public Optional<Observation> awaitObservation(
      TenantId tenant, String observationId, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    CompletableFuture<Void> done = worker.completion(tenant, observationId);
    while (true) {
      Optional<Observation> o = observation(tenant, observationId);
      if (o.isEmpty()
          || o.get().state() == Observation.State.DONE
          || o.get().state() == Observation.State.FAILED) {
        return o;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return o;
      }
      try {
        // Woken by this process's worker; polled in case another process does the work.
        done.get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        // poll again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return o;
      } catch (ExecutionException e) {
        throw new AttuneException("waiting for observation " + observationId + " failed", e);
      }
    }
  }

  @Override
  public void close() {
    worker.close();
  }
}
