package dev.attune.core.effectiveness;

import dev.attune.core.model.InvalidRequestException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** The outcomes an experiment compares between arms, each estimated per arm with its interval. */
public enum Metric {
  /** Thumbs up among thumbs up and down. */
  THUMBS_UP(true),
  /** Mean rating (1..5). */
  RATING(true),
  /** Tasks completed among tasks completed and abandoned. */
  TASK_COMPLETION(true),
  /** Corrections per 100 contexts served: fewer is better. */
  CORRECTIONS(false),
  /** Messages per session. */
  SESSION_LENGTH(true),
  /** Users active on two or more days. */
  RETURN_RATE(true);

  private final boolean higherIsBetter;

  Metric(boolean higherIsBetter) {
    this.higherIsBetter = higherIsBetter;
  }

  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws InvalidRequestException naming {@code field} for an unknown metric
   */
  public static Metric parse(String field, @Nullable String value) {
    for (Metric m : values()) {
      if (m.wireName().equals(value)) {
        return m;
      }
    }
    throw new InvalidRequestException(
        field,
        field
            + " must be one of "
            + Arrays.stream(values()).map(Metric::wireName).collect(Collectors.joining(", "))
            + "; got '"
            + value
            + "'");
  }
}
