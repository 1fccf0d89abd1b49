package dev.attune.core.port;

import dev.attune.core.effectiveness.ContextRecord;
import dev.attune.core.effectiveness.Correction;
import dev.attune.core.effectiveness.Experiment;
import dev.attune.core.effectiveness.ExperimentResults;
import dev.attune.core.effectiveness.Feedback;
import dev.attune.core.effectiveness.HourlyFigure;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What Attune keeps to tell whether personalization helps: a record of every context served (ids
 * and counts, never text), which items replies used, feedback, corrections, users' daily activity,
 * experiments, and per-tenant hourly figures. Keyed by tenant like every store; a user's rows go
 * with {@link MemoryStore#forget}. Thread-safe; each write is one transaction.
 */
public interface EffectivenessStore {
  /** Stores context records (of any tenants), replacing none: ids are new. */
  void putContextRecords(List<ContextRecord> records);

  /** The user's context record with this id; empty for another user's or tenant's. */
  Optional<ContextRecord> findContextRecord(TenantId tenant, UserId user, String contextId);

  /** The user's context records, newest first, at most {@code limit}. */
  List<ContextRecord> contextRecords(TenantId tenant, UserId user, int limit);

  /** Sets which items a reply used; false when the user has no such record. */
  boolean putUtilization(
      TenantId tenant, UserId user, String contextId, ContextRecord.Utilization utilization);

  /** Deletes, in every tenant, context records served before {@code cutoff}; returns how many. */
  long deleteContextRecordsBefore(Instant cutoff);

  void putFeedback(TenantId tenant, Feedback feedback);

  /** The user's feedback, oldest first. */
  List<Feedback> feedback(TenantId tenant, UserId user);

  void putCorrection(TenantId tenant, Correction correction);

  /** The user's corrections, oldest first. */
  List<Correction> corrections(TenantId tenant, UserId user);

  /** Adds to the user's activity on {@code day} in {@code session} (empty string: none). */
  void addActivity(TenantId tenant, UserId user, LocalDate day, String session, int messages);

  /**
   * A user of the tenant and the last day (UTC) they were observed, or null when never.
   *
   * @param since when the user was first stored
   */
  record UserActivity(UserId user, @Nullable LocalDate lastActive, Instant since) {}

  /**
   * A page of the tenant's users whose id contains {@code idContains} (every user when it is
   * empty), most recently active first; users never observed come last; ties by id.
   */
  List<UserActivity> usersByActivity(TenantId tenant, String idContains, int offset, int limit);

  /** Inserts or replaces the experiment with its name. */
  void putExperiment(TenantId tenant, Experiment experiment);

  Optional<Experiment> experiment(TenantId tenant, String name);

  /** The tenant's experiments, by name. */
  List<Experiment> experiments(TenantId tenant);

  boolean deleteExperiment(TenantId tenant, String name);

  /**
   * Each user with a context served in the experiment from {@code from} (inclusive) to {@code to}
   * (exclusive), with their outcomes in that period: feedback, corrections, activity. A user served
   * in two arms (the shares changed) counts in the arm of most of their contexts.
   */
  List<ExperimentResults.UserTally> tallies(
      TenantId tenant, String experiment, Instant from, Instant to);

  /**
   * Adds {@code add} to the tenant's figures of the hour starting at {@code hour}, and sets {@code
   * set} there (gauges: the last value stands).
   */
  void addHourly(TenantId tenant, Instant hour, Map<String, Long> add, Map<String, Long> set);

  /** The tenant's hourly figures from {@code from} (inclusive) to {@code to} (exclusive). */
  List<HourlyFigure> hourly(TenantId tenant, Instant from, Instant to);

  /**
   * What the tenant stores now.
   *
   * @param bytes the stored size of memories' and messages' text (sealed, when encrypted)
   */
  record Storage(long users, long activeMemories, long episodes, long bytes) {}

  Storage storage(TenantId tenant);
}
