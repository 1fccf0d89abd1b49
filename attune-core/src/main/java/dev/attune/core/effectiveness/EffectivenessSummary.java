package dev.attune.core.effectiveness;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A tenant's effectiveness over a period, in total and by hour or day: how contexts were served
 * (count, latency, cache, degraded and empty packs, tokens), whether replies used them, what users
 * corrected, what the application reported, how memories changed, what is stored, and what the
 * models cost. Built from the stored hourly figures, so every node answers the same.
 *
 * @param modelCalls chat-model calls in the period's days, with their tokens (by day: usage is
 *     metered per day)
 */
public record EffectivenessSummary(
    Instant from,
    Instant to,
    Granularity granularity,
    Period total,
    List<Period> periods,
    ModelUsage modelCalls) {
  public EffectivenessSummary {
    periods = List.copyOf(periods);
  }

  /** How the period is divided. */
  public enum Granularity {
    HOUR,
    DAY;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    ChronoUnit unit() {
      return this == HOUR ? ChronoUnit.HOURS : ChronoUnit.DAYS;
    }
  }

  /** Chat-model calls and tokens (what a model costs is its provider's price times these). */
  public record ModelUsage(long calls, long failures, long inputTokens, long outputTokens) {}

  /**
   * The figures of one hour, one day or the whole period. Rates and means are NaN where nothing was
   * counted.
   *
   * @param itemsUsedShare of the items injected into contexts a reply was observed for (facts and
   *     profile fields), the share the reply used
   * @param extractedCorrectedShare of the memories extracted in the period, the share corrected
   *     since (edited, deleted or contradicted by the user, whenever; each memory once): a live
   *     measure of extraction accuracy, at most 1
   * @param feedback counts by signal
   * @param memories added, reinforced, superseded, edited and deleted
   * @param storage users, active memories, episodes and stored bytes at the period's end, and per
   *     user
   */
  public record Period(
      Instant start,
      long contexts,
      double latencyP50Ms,
      double latencyP95Ms,
      double latencyP99Ms,
      double workingSetHitRate,
      double degradedRate,
      double emptyRate,
      double meanTokens,
      long utilizedContexts,
      double itemsUsedShare,
      double tokensUsedShare,
      long corrections,
      double correctionsPer100Contexts,
      double extractedCorrectedShare,
      Map<String, Long> feedback,
      double meanRating,
      Map<String, Long> memories,
      long messagesObserved,
      Map<String, Double> storage,
      long extractionBacklog) {
    static Period of(Instant start, Map<String, Long> c, Map<String, Long> gauges) {
      long contexts = c.getOrDefault(Figures.CONTEXTS, 0L);
      Map<String, Long> feedback = new LinkedHashMap<>();
      for (Feedback.Signal s : Feedback.Signal.values()) {
        feedback.put(s.wireName(), c.getOrDefault(Figures.FEEDBACK_PREFIX + s.wireName(), 0L));
      }
      Map<String, Long> memories = new LinkedHashMap<>();
      memories.put("added", c.getOrDefault(Figures.MEMORIES_ADDED, 0L));
      memories.put("reinforced", c.getOrDefault(Figures.MEMORIES_REINFORCED, 0L));
      memories.put("superseded", c.getOrDefault(Figures.MEMORIES_SUPERSEDED, 0L));
      memories.put("edited", c.getOrDefault(Figures.MEMORIES_EDITED, 0L));
      memories.put("deleted", c.getOrDefault(Figures.MEMORIES_DELETED, 0L));
      long users = gauges.getOrDefault(Figures.USERS, 0L);
      Map<String, Double> storage = new LinkedHashMap<>();
      storage.put("users", (double) users);
      storage.put("active_memories", (double) gauges.getOrDefault(Figures.ACTIVE_MEMORIES, 0L));
      storage.put("episodes", (double) gauges.getOrDefault(Figures.EPISODES, 0L));
      storage.put("stored_bytes", (double) gauges.getOrDefault(Figures.STORED_BYTES, 0L));
      storage.put(
          "memories_per_user", ratio(gauges.getOrDefault(Figures.ACTIVE_MEMORIES, 0L), users));
      storage.put("bytes_per_user", ratio(gauges.getOrDefault(Figures.STORED_BYTES, 0L), users));
      long corrections = c.getOrDefault(Figures.CORRECTIONS, 0L);
      long ratings = feedback.get(Feedback.Signal.RATING.wireName());
      return new Period(
          start,
          contexts,
          Figures.latencyQuantileMs(c, 0.50),
          Figures.latencyQuantileMs(c, 0.95),
          Figures.latencyQuantileMs(c, 0.99),
          ratio(c.getOrDefault(Figures.WORKING_SET_HITS, 0L), contexts),
          ratio(c.getOrDefault(Figures.DEGRADED, 0L), contexts),
          ratio(c.getOrDefault(Figures.EMPTY, 0L), contexts),
          ratio(c.getOrDefault(Figures.TOKENS, 0L), contexts),
          c.getOrDefault(Figures.UTILIZED_CONTEXTS, 0L),
          ratio(c.getOrDefault(Figures.ITEMS_USED, 0L), c.getOrDefault(Figures.ITEMS_INJECTED, 0L)),
          ratio(
              c.getOrDefault(Figures.ITEM_TOKENS_USED, 0L),
              c.getOrDefault(Figures.ITEM_TOKENS_INJECTED, 0L)),
          corrections,
          100 * ratio(corrections, contexts),
          ratio(
              c.getOrDefault(Figures.EXTRACTED_MEMORIES_CORRECTED, 0L),
              c.getOrDefault(Figures.MEMORIES_ADDED, 0L)),
          feedback,
          ratio(c.getOrDefault(Figures.RATING_SUM_CENTI, 0L), ratings) / 100,
          memories,
          c.getOrDefault(Figures.MESSAGES_OBSERVED, 0L),
          storage,
          gauges.getOrDefault(Figures.EXTRACTION_BACKLOG, 0L));
    }

    private static double ratio(long a, long b) {
      return b == 0 ? Double.NaN : (double) a / b;
    }
  }

  private static boolean isGauge(String name) {
    return name.equals(Figures.USERS)
        || name.equals(Figures.ACTIVE_MEMORIES)
        || name.equals(Figures.EPISODES)
        || name.equals(Figures.STORED_BYTES)
        || name.equals(Figures.EXTRACTION_BACKLOG);
  }

  /** The summary of {@code figures} (hourly, in time order), divided by {@code granularity}. */
  public static EffectivenessSummary of(
      Instant from,
      Instant to,
      Granularity granularity,
      List<HourlyFigure> figures,
      ModelUsage modelCalls) {
    Map<Instant, Map<String, Long>> counters = new TreeMap<>();
    Map<Instant, Map<String, Long>> gauges = new TreeMap<>();
    Map<String, Long> totalCounters = new HashMap<>();
    Map<String, Long> lastGauges = new HashMap<>();
    for (HourlyFigure f : figures) {
      Instant start = f.hour().truncatedTo(granularity.unit());
      if (isGauge(f.name())) {
        gauges.computeIfAbsent(start, s -> new HashMap<>()).put(f.name(), f.value());
        lastGauges.put(f.name(), f.value());
      } else {
        counters.computeIfAbsent(start, s -> new HashMap<>()).merge(f.name(), f.value(), Long::sum);
        totalCounters.merge(f.name(), f.value(), Long::sum);
      }
    }
    List<Period> periods = new ArrayList<>();
    Map<String, Long> carried = new HashMap<>();
    for (Instant start = from.truncatedTo(granularity.unit());
        start.isBefore(to);
        start = start.plus(1, granularity.unit())) {
      // A gauge holds until it is measured again.
      carried.putAll(gauges.getOrDefault(start, Map.of()));
      periods.add(Period.of(start, counters.getOrDefault(start, Map.of()), new HashMap<>(carried)));
    }
    return new EffectivenessSummary(
        from, to, granularity, Period.of(from, totalCounters, lastGauges), periods, modelCalls);
  }
}
