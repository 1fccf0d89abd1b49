package dev.attune.bench;

import java.util.Arrays;

/** Latency percentiles over recorded durations (nearest-rank). */
record Percentiles(
    int count, double p50Ms, double p95Ms, double p99Ms, double maxMs, double meanMs) {
  static Percentiles of(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    double mean = Arrays.stream(sorted).average().orElse(0) / 1e6;
    return new Percentiles(
        sorted.length,
        rank(sorted, 0.50),
        rank(sorted, 0.95),
        rank(sorted, 0.99),
        sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6,
        mean);
  }

  private static double rank(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }

  String row(String name) {
    return String.format(
        "| %-34s | %7d | %8.3f | %8.3f | %8.3f | %8.3f |", name, count, p50Ms, p95Ms, p99Ms, maxMs);
  }

  static String header() {
    return "| case                               | samples | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |\n"
        + "|------------------------------------|---------|----------|----------|----------|----------|";
  }
}
