package dev.attune.core.effectiveness;

/**
 * Estimates with 95% confidence intervals: a rate (Wilson's interval), a mean (normal, from the
 * sample's variance), a ratio of sums over users (the delta method), and the difference of two
 * (Newcombe's hybrid for rates, Welch's for the others), with a plain verdict on the difference.
 * Stateless.
 */
public final class Stats {
  /** The normal quantile of a two-sided 95% interval. */
  static final double Z = 1.959964;

  private Stats() {}

  /**
   * An estimate and its 95% interval.
   *
   * @param n how many observations it rests on
   */
  public record Estimate(double value, double low, double high, long n) {
    /** No observations: nothing is known. */
    public static Estimate none() {
      return new Estimate(Double.NaN, Double.NaN, Double.NaN, 0);
    }

    public boolean known() {
      return n > 0 && !Double.isNaN(value);
    }
  }

  /** What the difference between an arm and the control says. */
  public enum Verdict {
    HELPS,
    NO_EVIDENCE_YET,
    HURTS;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
  }

  /** {@code successes} of {@code n} as a rate, with Wilson's score interval. */
  public static Estimate rate(long successes, long n) {
    if (n <= 0) {
      return Estimate.none();
    }
    double p = (double) successes / n;
    double z2 = Z * Z;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = Z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return new Estimate(p, Math.max(0, centre - half), Math.min(1, centre + half), n);
  }

  /** A mean from its sums (of values and of squares), with a normal interval. */
  public static Estimate mean(double sum, double sumOfSquares, long n) {
    if (n <= 0) {
      return Estimate.none();
    }
    double mean = sum / n;
    if (n == 1) {
      return new Estimate(mean, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 1);
    }
    double variance = Math.max(0, (sumOfSquares - n * mean * mean) / (n - 1));
    double half = Z * Math.sqrt(variance / n);
    return new Estimate(mean, mean - half, mean + half, n);
  }

  /**
   * {@code a} minus {@code b} for two rates, with Newcombe's hybrid score interval (from the two
   * Wilson intervals): sound at small counts and near 0 or 1, where the normal one is not.
   */
  public static Estimate rateDifference(Estimate a, Estimate b) {
    if (!a.known() || !b.known()) {
      return Estimate.none();
    }
    double d = a.value() - b.value();
    double low = d - Math.sqrt(square(a.value() - a.low()) + square(b.high() - b.value()));
    double high = d + Math.sqrt(square(a.high() - a.value()) + square(b.value() - b.low()));
    return new Estimate(d, low, high, Math.min(a.n(), b.n()));
  }

  /**
   * A ratio of sums over units, {@code sum(y) / sum(x)} (say thumbs up over thumbs given, one pair
   * per user), with the delta method's normal interval. The unit is the user, not the event: one
   * user's events are not independent of each other, and counting them as if they were would make
   * the interval too narrow. Units with {@code x = 0} add nothing.
   */
  public static Estimate ratio(double[] y, double[] x) {
    double sy = 0;
    double sx = 0;
    int n = 0;
    for (int i = 0; i < y.length; i++) {
      if (x[i] > 0) {
        sy += y[i];
        sx += x[i];
        n++;
      }
    }
    if (n == 0) {
      return Estimate.none();
    }
    double r = sy / sx;
    if (n == 1) {
      return new Estimate(r, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 1);
    }
    double residuals = 0;
    for (int i = 0; i < y.length; i++) {
      if (x[i] > 0) {
        double d = y[i] - r * x[i];
        residuals += d * d;
      }
    }
    double meanX = sx / n;
    double half = Z * Math.sqrt(residuals / (n - 1) / (n * meanX * meanX));
    return new Estimate(r, r - half, r + half, n);
  }

  /** {@code a} times {@code factor} (per 100, say). */
  public static Estimate scaled(Estimate a, double factor) {
    return new Estimate(a.value() * factor, a.low() * factor, a.high() * factor, a.n());
  }

  /**
   * {@code a} minus {@code b} for two means or ratios (symmetric intervals), with Welch's (normal)
   * interval.
   */
  public static Estimate meanDifference(Estimate a, Estimate b) {
    if (!a.known() || !b.known() || a.n() < 2 || b.n() < 2) {
      return Estimate.none();
    }
    double seA = (a.high() - a.value()) / Z;
    double seB = (b.high() - b.value()) / Z;
    double d = a.value() - b.value();
    double half = Z * Math.sqrt(seA * seA + seB * seB);
    return new Estimate(d, d - half, d + half, Math.min(a.n(), b.n()));
  }

  /**
   * The verdict on a difference where more is better (pass {@code higherIsBetter} false for, say,
   * corrections): it helps or hurts only when its whole interval lies on one side of zero.
   */
  public static Verdict verdict(Estimate difference, boolean higherIsBetter) {
    if (!difference.known()) {
      return Verdict.NO_EVIDENCE_YET;
    }
    if (difference.low() > 0) {
      return higherIsBetter ? Verdict.HELPS : Verdict.HURTS;
    }
    if (difference.high() < 0) {
      return higherIsBetter ? Verdict.HURTS : Verdict.HELPS;
    }
    return Verdict.NO_EVIDENCE_YET;
  }

  private static double square(double x) {
    return x * x;
  }
}
