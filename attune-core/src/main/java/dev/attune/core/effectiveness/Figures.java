package dev.attune.core.effectiveness;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The names of the per-tenant hourly figures and how a context's latency is bucketed. Counters add
 * up across nodes and hours; gauges (what the tenant stores, the extraction backlog) keep their
 * last value in an hour. Latency is kept as counts per bucket, which add up across nodes where
 * percentiles would not.
 */
public final class Figures {
  private Figures() {}

  public static final String CONTEXTS = "contexts";
  public static final String DEGRADED = "contexts_degraded";
  public static final String EMPTY = "contexts_empty";
  public static final String TOKENS = "context_tokens";
  public static final String WORKING_SET_HITS = "working_set_hits";
  public static final String LATENCY_SUM_MICROS = "latency_sum_us";
  public static final String UTILIZED_CONTEXTS = "utilized_contexts";
  public static final String ITEMS_INJECTED = "items_injected";
  public static final String ITEMS_USED = "items_used";
  public static final String ITEM_TOKENS_INJECTED = "item_tokens_injected";
  public static final String ITEM_TOKENS_USED = "item_tokens_used";
  public static final String CORRECTIONS = "corrections";

  /**
   * Extracted memories corrected at least once, counted once each in the hour they were extracted
   * (so over any period it is a part of that period's {@link #MEMORIES_ADDED}).
   */
  public static final String EXTRACTED_MEMORIES_CORRECTED = "extracted_memories_corrected";

  public static final String FEEDBACK_PREFIX = "feedback_";

  /** Ratings summed in hundredths (counters are whole numbers). */
  public static final String RATING_SUM_CENTI = "rating_sum_centi";

  public static final String MEMORIES_ADDED = "memories_added";
  public static final String MEMORIES_REINFORCED = "memories_reinforced";
  public static final String MEMORIES_SUPERSEDED = "memories_superseded";
  public static final String MEMORIES_EDITED = "memories_edited";
  public static final String MEMORIES_DELETED = "memories_deleted";
  public static final String MESSAGES_OBSERVED = "messages_observed";

  // Gauges.
  public static final String USERS = "users";
  public static final String ACTIVE_MEMORIES = "active_memories";
  public static final String EPISODES = "episodes";
  public static final String STORED_BYTES = "stored_bytes";
  public static final String EXTRACTION_BACKLOG = "extraction_backlog";

  /** Upper bounds of the latency buckets, in milliseconds; a last bucket holds the rest. */
  static final double[] LATENCY_BOUNDS_MS = {
    0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000, 2000, 5000
  };

  /** The counter of the latency bucket {@code i} ({@code LATENCY_BOUNDS_MS.length}: the rest). */
  static String latencyBucket(int i) {
    return i < LATENCY_BOUNDS_MS.length
        ? String.format(Locale.ROOT, "latency_le_%sms", trim(LATENCY_BOUNDS_MS[i]))
        : "latency_over_5000ms";
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  /** The counters one served context adds. */
  public static Map<String, Long> served(
      long latencyNanos, int tokens, boolean empty, boolean degraded, boolean workingSetHit) {
    Map<String, Long> out = new HashMap<>();
    out.put(CONTEXTS, 1L);
    out.put(TOKENS, (long) tokens);
    out.put(LATENCY_SUM_MICROS, latencyNanos / 1000);
    if (empty) {
      out.put(EMPTY, 1L);
    }
    if (degraded) {
      out.put(DEGRADED, 1L);
    }
    if (workingSetHit) {
      out.put(WORKING_SET_HITS, 1L);
    }
    double ms = latencyNanos / 1e6;
    int bucket = 0;
    while (bucket < LATENCY_BOUNDS_MS.length && ms > LATENCY_BOUNDS_MS[bucket]) {
      bucket++;
    }
    out.put(latencyBucket(bucket), 1L);
    return out;
  }

  /**
   * The latency at quantile {@code q} from bucket counts, interpolated within its bucket; NaN when
   * no context was served.
   */
  static double latencyQuantileMs(Map<String, Long> counters, double q) {
    long total = 0;
    long[] counts = new long[LATENCY_BOUNDS_MS.length + 1];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = counters.getOrDefault(latencyBucket(i), 0L);
      total += counts[i];
    }
    if (total == 0) {
      return Double.NaN;
    }
    double rank = q * total;
    long cumulative = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0 && cumulative + counts[i] >= rank) {
        double low = i == 0 ? 0 : LATENCY_BOUNDS_MS[i - 1];
        if (i == LATENCY_BOUNDS_MS.length) {
          return low;
        }
        double high = LATENCY_BOUNDS_MS[i];
        return low + (high - low) * (rank - cumulative) / counts[i];
      }
      cumulative += counts[i];
    }
    return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1];
  }
}
