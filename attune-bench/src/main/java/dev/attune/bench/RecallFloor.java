package dev.attune.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleSupplier;
import java.util.function.IntToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * A CI floor file ({@code eval/*-floor.json}): the run size it applies to and the recall a run of
 * that size must reach. Read and checked before the run starts, so a broken floor file fails at
 * once rather than after minutes of evaluation, and never passes by being half-read.
 *
 * @param file where it was read from
 * @param scope the run size it applies to (conversations or users)
 * @param recallAt10 recall at rank 10, if the file sets one
 * @param byBudget recall within each token budget
 */
public record RecallFloor(
    Path file, int scope, @Nullable Double recallAt10, Map<Integer, Double> byBudget) {

  /**
   * @param scopeField the field that names the run size ("conversations", "users")
   * @param withRecallAt10 whether the file must set "recall_at_10"
   */
  public static RecallFloor read(Path file, String scopeField, boolean withRecallAt10)
      throws IOException {
    JsonNode root = JsonFiles.read("--floor", file);
    String where = "--floor " + file;
    double scope = JsonFiles.number(root, scopeField, where);
    if (scope < 1 || scope != Math.rint(scope)) {
      throw new IllegalArgumentException(
          where
              + ": '"
              + scopeField
              + "' must be a whole number >= 1; got "
              + root.get(scopeField));
    }
    Double r10 = withRecallAt10 ? share(root, "recall_at_10", where) : null;
    JsonNode budgets = JsonFiles.field(root, "recall_at_budget", where);
    if (!budgets.isObject() || budgets.isEmpty()) {
      throw new IllegalArgumentException(
          where + ": 'recall_at_budget' must map token budgets to floors, e.g. {\"300\": 0.9}");
    }
    Map<Integer, Double> byBudget = new TreeMap<>();
    for (Iterator<String> it = budgets.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      byBudget.put(JsonFiles.budget(key, where), share(budgets, key, where));
    }
    return new RecallFloor(file, (int) scope, r10, Map.copyOf(byBudget));
  }

  private static double share(JsonNode node, String field, String where) {
    double v = JsonFiles.number(node, field, where);
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(
          where + ": '" + field + "' is a recall, within 0..1; got " + v);
    }
    return v;
  }

  /**
   * Compares a run with this floor, printing a line per figure; true if every floor is met. A floor
   * for another run size, or for a budget the run did not use, is not met: a floor never passes by
   * not being checked.
   *
   * @param label the summary line's subject ("recall", "prefeval")
   * @param runScope the run's size, in this floor's unit
   * @param scopeName that unit ("conversations", "users")
   * @param budgets the budgets the run used
   * @param recallWithin the run's recall within a budget (one of {@code budgets})
   * @param recallAt10 the run's recall at rank 10, checked when this floor sets one
   */
  public boolean check(
      String label,
      int runScope,
      String scopeName,
      List<Integer> budgets,
      IntToDoubleFunction recallWithin,
      DoubleSupplier recallAt10,
      PrintWriter w) {
    if (scope != runScope) {
      w.printf(
          "floor %s is for %d %s, this run had %d: FAILED (not comparable)%n",
          file, scope, scopeName, runScope);
      return false;
    }
    boolean ok = true;
    if (this.recallAt10 != null) {
      ok &= report(w, "recall@10", recallAt10.getAsDouble(), this.recallAt10);
    }
    for (Map.Entry<Integer, Double> e : byBudget.entrySet()) {
      int budget = e.getKey();
      if (!budgets.contains(budget)) {
        w.printf("floor for budget %d: the run did not use that budget: FAILED%n", budget);
        ok = false;
        continue;
      }
      ok &=
          report(
              w, "recall@" + budget + " tokens", recallWithin.applyAsDouble(budget), e.getValue());
    }
    w.println(
        ok
            ? label + " floors: all met"
            : label + " floors: FAILED (worse than the floor, or not comparable)");
    return ok;
  }

  private static boolean report(PrintWriter w, String what, double value, double floor) {
    boolean met = value >= floor;
    w.printf(
        Locale.ROOT, "  [%s] %s = %.3f (floor %.3f)%n", met ? "ok" : "BELOW", what, value, floor);
    return met;
  }
}
