package dev.attune.core.retrieval;

import dev.attune.core.model.Category;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.Memory;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * How confidence fades with time since a memory was last stated or reinforced: it halves every
 * half-life of the memory's category. A memory whose effective confidence falls below the threshold
 * is dormant: it stays active and visible to its user (listing, export) but is not injected into
 * context until it is stated again. A pinned memory (pinned, or edited by the user) never decays.
 *
 * @param halfLives the half-life of each category; a category without one does not decay
 * @param threshold the effective confidence below which a memory is not injected (0..1; 0 turns
 *     dormancy off)
 */
public record DecayPolicy(Map<Category, Duration> halfLives, double threshold) {

  public DecayPolicy {
    for (Map.Entry<Category, Duration> e : halfLives.entrySet()) {
      if (e.getValue().isNegative() || e.getValue().isZero()) {
        throw new InvalidRequestException(
            "decay.half_life." + e.getKey().wireName(),
            "the half-life of " + e.getKey().wireName() + " must be positive");
      }
    }
    halfLives = Map.copyOf(halfLives);
    if (!(threshold >= 0 && threshold < 1)) {
      throw new InvalidRequestException(
          "decay.threshold", "decay.threshold must be within [0, 1); got " + threshold);
    }
  }

  /**
   * Half-lives in days: identity and language 10 and 5 years; relationship 5; role, expertise,
   * location and constraint 2; preference, aversion, tool, communication style, event and fact 1;
   * goal half a year. Threshold 0.15: a fact stated once (confidence about 0.7) stops being
   * injected after a little over two half-lives without being stated again.
   */
  public static DecayPolicy defaults() {
    Map<Category, Duration> h = new EnumMap<>(Category.class);
    h.put(Category.IDENTITY, Duration.ofDays(3650));
    h.put(Category.LANGUAGE, Duration.ofDays(1825));
    h.put(Category.RELATIONSHIP, Duration.ofDays(1825));
    h.put(Category.ROLE, Duration.ofDays(730));
    h.put(Category.EXPERTISE, Duration.ofDays(730));
    h.put(Category.LOCATION, Duration.ofDays(730));
    h.put(Category.CONSTRAINT, Duration.ofDays(730));
    h.put(Category.PREFERENCE, Duration.ofDays(365));
    h.put(Category.AVERSION, Duration.ofDays(365));
    h.put(Category.TOOL, Duration.ofDays(365));
    h.put(Category.COMMUNICATION_STYLE, Duration.ofDays(365));
    h.put(Category.EVENT, Duration.ofDays(365));
    h.put(Category.FACT, Duration.ofDays(365));
    h.put(Category.GOAL, Duration.ofDays(180));
    return new DecayPolicy(h, 0.15);
  }

  /** No decay at all. */
  public static DecayPolicy none() {
    return new DecayPolicy(Map.of(), 0);
  }

  /** This policy with one category's half-life changed. */
  public DecayPolicy withHalfLife(Category category, Duration halfLife) {
    Map<Category, Duration> h = new EnumMap<>(Category.class);
    h.putAll(halfLives);
    h.put(category, halfLife);
    return new DecayPolicy(h, threshold);
  }

  public DecayPolicy withThreshold(double threshold) {
    return new DecayPolicy(halfLives, threshold);
  }

  /** The memory's confidence after decay at {@code now}. */
  public double effectiveConfidence(Memory m, Instant now) {
    Duration halfLife = halfLives.get(m.category());
    if (m.pinned() || halfLife == null) {
      return m.confidence();
    }
    double age = Math.max(0, now.toEpochMilli() - m.lastConfirmedAt().toEpochMilli());
    return m.confidence() * Math.pow(0.5, age / halfLife.toMillis());
  }

  /** True if the memory has faded below the threshold: kept and listed, but not injected. */
  public boolean isDormant(Memory m, Instant now) {
    return threshold > 0 && effectiveConfidence(m, now) < threshold;
  }
}
