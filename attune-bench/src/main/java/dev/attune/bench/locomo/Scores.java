package dev.attune.bench.locomo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Per-system sums of recall and tokens, overall and by category, strict and counting all. */
final class Scores {
  static final int[] KS = {5, 10, 25};

  private final List<Integer> budgets;
  private final Map<String, Acc> byCategory = new TreeMap<>();
  private final Acc overall;

  Scores(List<Integer> budgets) {
    this.budgets = budgets;
    this.overall = new Acc(budgets);
  }

  /** One question's results. {@code scored} is false for the adversarial category. */
  void add(
      String category,
      boolean scored,
      double[] strictAtK,
      double[] allAtK,
      double[] strictAtBudget,
      double[] allAtBudget,
      int[] tokensAtBudget) {
    byCategory
        .computeIfAbsent(category, c -> new Acc(budgets))
        .add(strictAtK, allAtK, strictAtBudget, allAtBudget, tokensAtBudget);
    if (scored) {
      overall.add(strictAtK, allAtK, strictAtBudget, allAtBudget, tokensAtBudget);
    }
  }

  int scored() {
    return overall.n;
  }

  double overallRecallAtK(int k, boolean strict) {
    return overall.atK(k, strict);
  }

  double overallRecallAtBudget(int budget, boolean strict) {
    return overall.atBudget(budgets.indexOf(budget), strict);
  }

  Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("overall", overall.toJson());
    Map<String, Object> cats = new LinkedHashMap<>();
    byCategory.forEach((c, acc) -> cats.put(c, acc.toJson()));
    out.put("by_category", cats);
    return out;
  }

  Map<String, Acc> categories() {
    return byCategory;
  }

  Acc overall() {
    return overall;
  }

  static final class Acc {
    private final List<Integer> budgets;
    int n;
    final double[] strictK = new double[KS.length];
    final double[] allK = new double[KS.length];
    final double[] strictB;
    final double[] allB;
    final long[] tokens;

    Acc(List<Integer> budgets) {
      this.budgets = budgets;
      strictB = new double[budgets.size()];
      allB = new double[budgets.size()];
      tokens = new long[budgets.size()];
    }

    void add(double[] sk, double[] ak, double[] sb, double[] ab, int[] t) {
      n++;
      for (int i = 0; i < KS.length; i++) {
        strictK[i] += sk[i];
        allK[i] += ak[i];
      }
      for (int i = 0; i < budgets.size(); i++) {
        strictB[i] += sb[i];
        allB[i] += ab[i];
        tokens[i] += t[i];
      }
    }

    double atK(int k, boolean strict) {
      for (int i = 0; i < KS.length; i++) {
        if (KS[i] == k) {
          return mean((strict ? strictK : allK)[i]);
        }
      }
      throw new IllegalArgumentException("k " + k);
    }

    double atBudget(int index, boolean strict) {
      return mean((strict ? strictB : allB)[index]);
    }

    double meanTokens(int index) {
      return n == 0 ? 0 : (double) tokens[index] / n;
    }

    private double mean(double sum) {
      return n == 0 ? 0 : round(sum / n);
    }

    Map<String, Object> toJson() {
      Map<String, Object> out = block(true);
      out.put("questions", n);
      out.put("all", block(false));
      return out;
    }

    private Map<String, Object> block(boolean strict) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (int k : KS) {
        out.put("recall_at_" + k, atK(k, strict));
      }
      Map<String, Object> atBudget = new LinkedHashMap<>();
      Map<String, Object> meanTokens = new LinkedHashMap<>();
      for (int i = 0; i < budgets.size(); i++) {
        atBudget.put(String.valueOf(budgets.get(i)), atBudget(i, strict));
        meanTokens.put(String.valueOf(budgets.get(i)), round(meanTokens(i)));
      }
      out.put("recall_at_budget", atBudget);
      out.put("mean_tokens", meanTokens);
      return out;
    }
  }

  static double round(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }
}
