package dev.attune.core.effectiveness;

import dev.attune.core.model.Ids;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.Limits;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An A/B holdout: users split into arms by a stable hash of tenant, experiment and user (a user
 * stays in their arm however often they come back, on every node), each arm personalized or not. An
 * arm without personalization gets an empty pack but for the org's compliance rules, which are
 * never held back.
 *
 * @param name an id
 * @param arms 1..{@link #MAX_ARMS} arms with distinct names whose shares sum to 1
 * @param active whether context requests are assigned to it (one experiment of a tenant at a time)
 * @param primary the outcome whose difference gives the experiment's verdict (one, decided before
 *     the data is in: deciding on whichever of several metrics moved would find effects that are
 *     not there); task completion by default
 */
public record Experiment(String name, List<Arm> arms, boolean active, Metric primary) {
  public static final int MAX_ARMS = 10;

  /** Shares may be off by this much in sum (decimal fractions in JSON). */
  private static final double SHARE_TOLERANCE = 1e-6;

  /**
   * One arm.
   *
   * @param name 1-64 characters, unique in its experiment
   * @param share of users, 0..1
   * @param personalize false: the pack holds the compliance rules only
   * @param maxTokens the budget for this arm's requests (over the request's), or null
   */
  public record Arm(String name, double share, boolean personalize, @Nullable Integer maxTokens) {}

  public Experiment(String name, List<Arm> arms, boolean active) {
    this(name, arms, active, Metric.TASK_COMPLETION);
  }

  public Experiment {
    Ids.check("name", name);
    Objects.requireNonNull(primary, "primary");
    Objects.requireNonNull(arms, "arms");
    if (arms.isEmpty() || arms.size() > MAX_ARMS) {
      throw new InvalidRequestException(
          "arms", "arms must hold 1.." + MAX_ARMS + " arms; got " + arms.size());
    }
    Set<String> names = new HashSet<>();
    double total = 0;
    for (int i = 0; i < arms.size(); i++) {
      Arm a = arms.get(i);
      String field = "arms[" + i + "]";
      if (a == null) {
        throw new InvalidRequestException(field, field + " must not be null");
      }
      if (a.name() == null || a.name().isBlank() || a.name().length() > 64) {
        throw new InvalidRequestException(field + ".name", field + ".name must be 1-64 characters");
      }
      if (!names.add(a.name())) {
        throw new InvalidRequestException(
            field + ".name", field + ".name '" + a.name() + "' is already the name of another arm");
      }
      if (!(a.share() >= 0 && a.share() <= 1)) {
        throw new InvalidRequestException(
            field + ".share", field + ".share must be within 0..1; got " + a.share());
      }
      if (a.maxTokens() != null
          && (a.maxTokens() < 1 || a.maxTokens() > Limits.MAX_BUDGET_TOKENS)) {
        throw new InvalidRequestException(
            field + ".max_tokens",
            field + ".max_tokens must be within 1.." + Limits.MAX_BUDGET_TOKENS);
      }
      total += a.share();
    }
    if (Math.abs(total - 1) > SHARE_TOLERANCE) {
      throw new InvalidRequestException(
          "arms", "the arms' shares must sum to 1; they sum to " + total);
    }
    arms = List.copyOf(arms);
  }

  /** The user's arm: the same for the same tenant, experiment and user, every time. */
  public Arm armOf(TenantId tenant, UserId user) {
    double u = unit(tenant.value() + "\u0000" + name + "\u0000" + user.value());
    double cumulative = 0;
    for (Arm a : arms) {
      cumulative += a.share();
      if (u < cumulative) {
        return a;
      }
    }
    return arms.get(arms.size() - 1);
  }

  /** The first arm without personalization: what the others are compared with; null if none. */
  public @Nullable Arm control() {
    return arms.stream().filter(a -> !a.personalize()).findFirst().orElse(null);
  }

  public Experiment withActive(boolean on) {
    return new Experiment(name, arms, on, primary);
  }

  /** The arm named {@code arm}, or null. */
  public @Nullable Arm arm(String arm) {
    return arms.stream().filter(a -> a.name().equals(arm)).findFirst().orElse(null);
  }

  /** A uniform number in [0, 1) from a hash of {@code key}: SHA-256, its first 53 bits. */
  private static double unit(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      long bits = ByteBuffer.wrap(digest).getLong() >>> 11;
      return bits * 0x1.0p-53;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
