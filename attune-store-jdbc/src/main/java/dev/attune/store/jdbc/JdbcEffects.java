package dev.attune.store.jdbc;

import dev.attune.core.effectiveness.ContextRecord;
import dev.attune.core.effectiveness.Correction;
import dev.attune.core.effectiveness.Experiment;
import dev.attune.core.effectiveness.ExperimentResults;
import dev.attune.core.effectiveness.Feedback;
import dev.attune.core.effectiveness.HourlyFigure;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.EffectivenessStore;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The effectiveness half of {@link JdbcStore}: context records, feedback, corrections, activity,
 * experiments and hourly figures, each family in its tables' class. Package-private: adapters
 * extend {@link JdbcStore}, which is the whole {@code Store}.
 */
abstract class JdbcEffects implements EffectivenessStore {
  private final ContextRecordTables contextRecords;
  private final OutcomeTables outcomes;
  private final ExperimentTables experiments;
  private final FigureTables figures;

  JdbcEffects(Db db, Sealing sealing) {
    this.contextRecords = new ContextRecordTables(db);
    this.outcomes = new OutcomeTables(db, sealing);
    this.experiments = new ExperimentTables(db);
    this.figures = new FigureTables(db);
  }

  @Override
  public void putContextRecords(List<ContextRecord> records) {
    contextRecords.putContextRecords(records);
  }

  @Override
  public Optional<ContextRecord> findContextRecord(TenantId tenant, UserId user, String contextId) {
    return contextRecords.findContextRecord(tenant, user, contextId);
  }

  @Override
  public List<ContextRecord> contextRecords(TenantId tenant, UserId user, int limit) {
    return contextRecords.contextRecords(tenant, user, limit);
  }

  @Override
  public boolean putUtilization(
      TenantId tenant, UserId user, String contextId, ContextRecord.Utilization utilization) {
    return contextRecords.putUtilization(tenant, user, contextId, utilization);
  }

  @Override
  public long deleteContextRecordsBefore(Instant cutoff) {
    return contextRecords.deleteContextRecordsBefore(cutoff);
  }

  @Override
  public void putFeedback(TenantId tenant, Feedback feedback) {
    outcomes.putFeedback(tenant, feedback);
  }

  @Override
  public List<Feedback> feedback(TenantId tenant, UserId user) {
    return outcomes.feedback(tenant, user);
  }

  @Override
  public void putCorrection(TenantId tenant, Correction correction) {
    outcomes.putCorrection(tenant, correction);
  }

  @Override
  public List<Correction> corrections(TenantId tenant, UserId user) {
    return outcomes.corrections(tenant, user);
  }

  @Override
  public void addActivity(
      TenantId tenant, UserId user, LocalDate day, String session, int messages) {
    outcomes.addActivity(tenant, user, day, session, messages);
  }

  @Override
  public List<UserActivity> usersByActivity(
      TenantId tenant, String idContains, int offset, int limit) {
    return outcomes.usersByActivity(tenant, idContains, offset, limit);
  }

  @Override
  public void putExperiment(TenantId tenant, Experiment experiment) {
    experiments.putExperiment(tenant, experiment);
  }

  @Override
  public Optional<Experiment> experiment(TenantId tenant, String name) {
    return experiments.experiments(tenant, name).stream().findFirst();
  }

  @Override
  public List<Experiment> experiments(TenantId tenant) {
    return experiments.experiments(tenant, null);
  }

  @Override
  public boolean deleteExperiment(TenantId tenant, String name) {
    return experiments.deleteExperiment(tenant, name);
  }

  @Override
  public List<ExperimentResults.UserTally> tallies(
      TenantId tenant, String experiment, Instant from, Instant to) {
    return outcomes.tallies(tenant, experiment, from, to);
  }

  @Override
  public void addHourly(
      TenantId tenant, Instant hour, Map<String, Long> add, Map<String, Long> set) {
    figures.addHourly(tenant, hour, add, set);
  }

  @Override
  public List<HourlyFigure> hourly(TenantId tenant, Instant from, Instant to) {
    return figures.hourly(tenant, from, to);
  }

  @Override
  public Storage storage(TenantId tenant) {
    return figures.storage(tenant);
  }
}
