package dev.attune.bench.baseline;

import java.util.List;
import java.util.Set;

/**
 * One retrieved item as the harness scores it.
 *
 * @param sources the turn ids it was built from
 * @param tokens what it costs in the budget
 */
public record Ranked(Set<String> sources, int tokens) {
  /** Items of at most this many sources count under strict recall. */
  public static final int STRICT_MAX_SOURCES = 3;

  public boolean strict() {
    return sources.size() <= STRICT_MAX_SOURCES;
  }

  public static Ranked turn(String id, int tokens) {
    return new Ranked(Set.of(id), tokens);
  }

  /** Share of {@code evidence} covered by the sources of {@code items}. */
  public static double recall(List<String> evidence, List<Ranked> items, boolean strictOnly) {
    if (evidence.isEmpty()) {
      return 0;
    }
    java.util.Set<String> covered = new java.util.HashSet<>();
    for (Ranked r : items) {
      if (!strictOnly || r.strict()) {
        covered.addAll(r.sources());
      }
    }
    long hit = evidence.stream().filter(covered::contains).count();
    return (double) hit / evidence.size();
  }
}
