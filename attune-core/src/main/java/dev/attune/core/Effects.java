package dev.attune.core;

import dev.attune.core.effectiveness.ContextRecord;
import dev.attune.core.effectiveness.EffectivenessSummary;
import dev.attune.core.effectiveness.Experiment;
import dev.attune.core.effectiveness.ExperimentResults;
import dev.attune.core.effectiveness.Feedback;
import dev.attune.core.internal.EffectTracker;
import dev.attune.core.model.ConflictException;
import dev.attune.core.model.Ids;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.NotFoundException;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.EffectivenessStore;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Is personalization helping? The effectiveness half of the front door ({@link Attune#effects()}):
 * the records of served packs, feedback from the application, A/B holdout experiments and their
 * results, and the tenant's summary. Every method is scoped by tenant (and user where it takes
 * one): another tenant's or user's records are indistinguishable from missing ones. Thread-safe.
 */
public final class Effects {
  private final EffectTracker tracker;

  Effects(EffectTracker tracker) {
    this.tracker = tracker;
  }

  /**
   * A context served to the user.
   *
   * @throws NotFoundException when the user has no context with this id (one of another user or
   *     tenant included)
   */
  public ContextRecord contextRecord(TenantId tenant, UserId user, String contextId) {
    // What is queued (a reply's matching, say) is written first: the answer is up to date.
    tracker.flush();
    return tracker.contextRecord(tenant, user, contextId);
  }

  /** The user's latest context records, newest first. */
  public List<ContextRecord> contextRecords(TenantId tenant, UserId user, int limit) {
    return tracker.contextRecords(tenant, user, limit);
  }

  /** Most users one {@link #users} call returns. */
  public static final int MAX_USERS_PAGE = 200;

  /**
   * A page of the tenant's users whose id contains {@code idContains} (all when it is empty), most
   * recently active first (by the day, UTC, of their last observed message; users never observed
   * last), ties by id.
   *
   * @throws InvalidRequestException when {@code limit} is outside 1..{@value #MAX_USERS_PAGE},
   *     {@code offset} is negative, or {@code idContains} is longer than an id can be
   */
  public List<EffectivenessStore.UserActivity> users(
      TenantId tenant, String idContains, int offset, int limit) {
    Objects.requireNonNull(idContains, "idContains");
    if (limit < 1 || limit > MAX_USERS_PAGE) {
      throw new InvalidRequestException(
          "limit", "limit must be within 1.." + MAX_USERS_PAGE + "; got " + limit);
    }
    if (offset < 0) {
      throw new InvalidRequestException("offset", "offset must be 0 or more; got " + offset);
    }
    if (idContains.length() > Ids.MAX_LENGTH) {
      throw new InvalidRequestException(
          "query", "query may be at most " + Ids.MAX_LENGTH + " characters");
    }
    return tracker.users(tenant, idContains, offset, limit);
  }

  /**
   * Stores the application's feedback about the user (and, with {@code contextId}, one pack). The
   * comment is redacted by the data policy's detectors first.
   *
   * @throws InvalidRequestException for a value out of range or a comment too long
   * @throws NotFoundException when {@code contextId} is not a context of the user
   */
  public Feedback feedback(
      TenantId tenant,
      UserId user,
      @Nullable String contextId,
      Feedback.Signal signal,
      @Nullable Double value,
      @Nullable String comment) {
    return tracker.feedback(tenant, user, contextId, signal, value, comment);
  }

  /**
   * Creates or replaces an experiment. Context requests of the tenant's users are assigned to the
   * active one's arms within seconds on every node.
   *
   * @throws ConflictException when it is active and another experiment of the tenant is
   */
  public Experiment putExperiment(TenantId tenant, Experiment experiment) {
    return tracker.experiments().put(tenant, Objects.requireNonNull(experiment, "experiment"));
  }

  public Optional<Experiment> experiment(TenantId tenant, String name) {
    return tracker.experiments().get(tenant, name);
  }

  public List<Experiment> experiments(TenantId tenant) {
    return tracker.experiments().list(tenant);
  }

  /** Deletes an experiment (its users' records keep their arm); false if there was none. */
  public boolean deleteExperiment(TenantId tenant, String name) {
    return tracker.experiments().delete(tenant, name);
  }

  /**
   * An experiment's results per arm from {@code from} to {@code to}, with intervals, lifts and a
   * verdict.
   *
   * @throws NotFoundException when there is no such experiment
   */
  public ExperimentResults experimentResults(
      TenantId tenant, String name, Instant from, Instant to) {
    return tracker.experiments().results(tenant, name, from, to);
  }

  /**
   * The tenant's effectiveness from {@code from} to {@code to}, in total and by hour or day.
   *
   * @throws InvalidRequestException for an empty range, or one longer than 31 days by hour or 400
   *     by day
   */
  public EffectivenessSummary summary(
      TenantId tenant, Instant from, Instant to, EffectivenessSummary.Granularity granularity) {
    return tracker.summary(tenant, from, to, granularity);
  }

  /**
   * EffectTracker events (context records, figures, reply matching) dropped since start because the
   * background writer's queue was full or the store failed.
   */
  public long dropped() {
    return tracker.dropped();
  }

  /**
   * Measures what the tenant stores now (users, memories, episodes, bytes, extraction backlog) into
   * this hour's figures; the retention sweep does it for every tenant on its own.
   */
  public void recordStorage(TenantId tenant) {
    tracker.sampleStorage(tenant);
  }

  /** Writes everything recorded so far (context records, figures) before returning. */
  public void flush() {
    tracker.flush();
  }
}
