package dev.attune.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
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
}
