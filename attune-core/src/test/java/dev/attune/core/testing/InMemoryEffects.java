package dev.attune.core.testing;

import dev.attune.core.effectiveness.ContextRecord;
import dev.attune.core.effectiveness.Correction;
import dev.attune.core.effectiveness.Experiment;
import dev.attune.core.effectiveness.ExperimentResults.UserTally;
import dev.attune.core.effectiveness.Feedback;
import dev.attune.core.effectiveness.HourlyFigure;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.EffectivenessStore;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** The effectiveness part of {@link InMemoryStore}, in plain collections (same monitor). */
abstract class InMemoryEffects implements EffectivenessStore {
  private record Activity(TenantId tenant, UserId user, LocalDate day, String session) {}

  private record Hour(TenantId tenant, Instant hour, String name) {}

  private final Map<String, ContextRecord> records = new LinkedHashMap<>();
  private final List<Map.Entry<TenantId, Feedback>> feedback = new ArrayList<>();
  private final List<Map.Entry<TenantId, Correction>> corrections = new ArrayList<>();
  private final Map<Activity, Integer> activity = new HashMap<>();
  private final Map<TenantId, Map<String, Experiment>> experiments = new HashMap<>();
  private final Map<Hour, Long> hourly = new HashMap<>();

  @Override
  public synchronized void putContextRecords(List<ContextRecord> batch) {
    batch.forEach(r -> records.put(r.tenant().value() + "\u0000" + r.id(), r));
  }

  @Override
  public synchronized Optional<ContextRecord> findContextRecord(
      TenantId tenant, UserId user, String contextId) {
    return Optional.ofNullable(records.get(tenant.value() + "\u0000" + contextId))
        .filter(r -> r.user().equals(user));
  }

  @Override
  public synchronized List<ContextRecord> contextRecords(TenantId tenant, UserId user, int limit) {
    return records.values().stream()
        .filter(r -> r.tenant().equals(tenant) && r.user().equals(user))
        .sorted(Comparator.comparing(ContextRecord::at).reversed())
        .limit(limit)
        .toList();
  }

  @Override
  public synchronized boolean putUtilization(
      TenantId tenant, UserId user, String contextId, ContextRecord.Utilization utilization) {
    Optional<ContextRecord> r = findContextRecord(tenant, user, contextId);
    r.ifPresent(
        found ->
            records.put(tenant.value() + "\u0000" + contextId, found.withUtilization(utilization)));
    return r.isPresent();
  }

  @Override
  public synchronized long deleteContextRecordsBefore(Instant cutoff) {
    int before = records.size();
    records.values().removeIf(r -> r.at().isBefore(cutoff));
    return before - records.size();
  }

  @Override
  public synchronized void putFeedback(TenantId tenant, Feedback f) {
    feedback.add(Map.entry(tenant, f));
  }

  @Override
  public synchronized List<Feedback> feedback(TenantId tenant, UserId user) {
    return feedback.stream()
        .filter(e -> e.getKey().equals(tenant) && e.getValue().user().equals(user))
        .map(Map.Entry::getValue)
        .toList();
  }

  @Override
  public synchronized void putCorrection(TenantId tenant, Correction c) {
    corrections.add(Map.entry(tenant, c));
  }

  @Override
  public synchronized List<Correction> corrections(TenantId tenant, UserId user) {
    return corrections.stream()
        .filter(e -> e.getKey().equals(tenant) && e.getValue().user().equals(user))
        .map(Map.Entry::getValue)
        .toList();
  }

  /** The last day the user was active, or null. */
  protected synchronized @Nullable LocalDate lastActive(TenantId tenant, UserId user) {
    return activity.keySet().stream()
        .filter(a -> a.tenant().equals(tenant) && a.user().equals(user))
        .map(Activity::day)
        .max(LocalDate::compareTo)
        .orElse(null);
  }

  @Override
  public synchronized void addActivity(
      TenantId tenant, UserId user, LocalDate day, String session, int messages) {
    activity.merge(new Activity(tenant, user, day, session), messages, Integer::sum);
  }

  @Override
  public synchronized void putExperiment(TenantId tenant, Experiment experiment) {
    experiments.computeIfAbsent(tenant, t -> new TreeMap<>()).put(experiment.name(), experiment);
  }

  @Override
  public synchronized Optional<Experiment> experiment(TenantId tenant, String name) {
    return Optional.ofNullable(experiments.getOrDefault(tenant, Map.of()).get(name));
  }

  @Override
  public synchronized List<Experiment> experiments(TenantId tenant) {
    return List.copyOf(experiments.getOrDefault(tenant, new TreeMap<>()).values());
  }

  @Override
  public synchronized boolean deleteExperiment(TenantId tenant, String name) {
    return experiments.getOrDefault(tenant, new HashMap<>()).remove(name) != null;
  }

  @Override
  public synchronized List<UserTally> tallies(
      TenantId tenant, String experiment, Instant from, Instant to) {
    Map<UserId, Map<String, Long>> arms = new LinkedHashMap<>();
    for (ContextRecord r : records.values()) {
      if (r.tenant().equals(tenant)
          && experiment.equals(r.experiment())
          && r.arm() != null
          && within(r.at(), from, to)) {
        arms.computeIfAbsent(r.user(), u -> new HashMap<>()).merge(r.arm(), 1L, Long::sum);
      }
    }
    List<UserTally> out = new ArrayList<>();
    for (Map.Entry<UserId, Map<String, Long>> e : arms.entrySet()) {
      UserId user = e.getKey();
      Map.Entry<String, Long> arm =
          e.getValue().entrySet().stream()
              .max(
                  Map.Entry.<String, Long>comparingByValue()
                      .thenComparing(Map.Entry.comparingByKey()))
              .orElseThrow();
      long[] signals = new long[5];
      double ratingSum = 0;
      for (Feedback f : feedback(tenant, user)) {
        if (within(f.at(), from, to)) {
          signals[f.signal().ordinal()]++;
          if (f.signal() == Feedback.Signal.RATING) {
            ratingSum += f.value();
          }
        }
      }
      long corrected =
          corrections(tenant, user).stream().filter(c -> within(c.at(), from, to)).count();
      Set<LocalDate> days = new HashSet<>();
      Set<String> sessions = new HashSet<>();
      long messages = 0;
      LocalDate first = LocalDate.ofInstant(from, ZoneOffset.UTC);
      LocalDate last = LocalDate.ofInstant(to.minusNanos(1), ZoneOffset.UTC);
      for (Map.Entry<Activity, Integer> a : activity.entrySet()) {
        Activity k = a.getKey();
        if (k.tenant().equals(tenant)
            && k.user().equals(user)
            && !k.day().isBefore(first)
            && !k.day().isAfter(last)) {
          days.add(k.day());
          if (!k.session().isEmpty()) {
            sessions.add(k.session());
          }
          messages += a.getValue();
        }
      }
      out.add(
          new UserTally(
              user,
              arm.getKey(),
              e.getValue().values().stream().mapToLong(Long::longValue).sum(),
              signals[Feedback.Signal.THUMBS_UP.ordinal()],
              signals[Feedback.Signal.THUMBS_DOWN.ordinal()],
              signals[Feedback.Signal.RATING.ordinal()],
              ratingSum,
              signals[Feedback.Signal.TASK_COMPLETED.ordinal()],
              signals[Feedback.Signal.TASK_ABANDONED.ordinal()],
              corrected,
              days.size(),
              sessions.size(),
              messages));
    }
    return out;
  }

  private static boolean within(Instant at, Instant from, Instant to) {
    return !at.isBefore(from) && at.isBefore(to);
  }

  @Override
  public synchronized void addHourly(
      TenantId tenant, Instant hour, Map<String, Long> add, Map<String, Long> set) {
    add.forEach((name, v) -> hourly.merge(new Hour(tenant, hour, name), v, Long::sum));
    set.forEach((name, v) -> hourly.put(new Hour(tenant, hour, name), v));
  }

  @Override
  public synchronized List<HourlyFigure> hourly(TenantId tenant, Instant from, Instant to) {
    return hourly.entrySet().stream()
        .filter(e -> e.getKey().tenant().equals(tenant) && within(e.getKey().hour(), from, to))
        .map(e -> new HourlyFigure(e.getKey().hour(), e.getKey().name(), e.getValue()))
        .sorted(Comparator.comparing(HourlyFigure::hour).thenComparing(HourlyFigure::name))
        .toList();
  }

  /** Removes the user's effectiveness rows (with the user). */
  protected synchronized void forgetEffects(TenantId tenant, UserId user) {
    records.values().removeIf(r -> r.tenant().equals(tenant) && r.user().equals(user));
    feedback.removeIf(e -> e.getKey().equals(tenant) && e.getValue().user().equals(user));
    corrections.removeIf(e -> e.getKey().equals(tenant) && e.getValue().user().equals(user));
    activity.keySet().removeIf(a -> a.tenant().equals(tenant) && a.user().equals(user));
  }
}
