package dev.attune.core.learning;

import dev.attune.core.model.Category;
import dev.attune.core.model.TenantId;
import dev.attune.core.port.Summarizer;
import dev.attune.core.port.Summarizer.Summary;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The offline summarizer: the facts themselves, most confident first, with the shared "User"
 * subject said once, until the length is reached; the rest is counted, not dropped silently.
 */
public final class ExtractiveSummarizer implements Summarizer {
  @Override
  public String id() {
    return "extractive";
  }

  @Override
  public Summary summarize(TenantId tenant, Category category, List<String> facts, int maxChars) {
    // Distinct clauses, each with the facts that say it.
    Map<String, List<Integer>> byClause = new LinkedHashMap<>();
    Map<String, String> original = new LinkedHashMap<>();
    for (int i = 0; i < facts.size(); i++) {
      String clause = clause(facts.get(i));
      if (!clause.isEmpty()) {
        String key = clause.toLowerCase(Locale.ROOT);
        byClause.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
        original.putIfAbsent(key, clause);
      }
    }
    StringBuilder out =
        new StringBuilder("User (").append(category.wireName().replace('_', ' ')).append("): ");
    Set<Integer> covered = new HashSet<>();
    int used = 0;
    for (Map.Entry<String, List<Integer>> e : byClause.entrySet()) {
      String clause = original.get(e.getKey());
      if (used > 0 && out.length() + clause.length() + 2 > maxChars) {
        break;
      }
      out.append(used == 0 ? "" : "; ").append(clause);
      covered.addAll(e.getValue());
      used++;
    }
    int rest = byClause.size() - used;
    return new Summary(out.append(rest > 0 ? "; and " + rest + " more." : ".").toString(), covered);
  }

  /** "User likes green tea." -> "likes green tea". */
  static String clause(String fact) {
    String s = fact.strip();
    if (s.startsWith("User ")) {
      s = s.substring(5);
    } else if (s.startsWith("The user ")) {
      s = s.substring(9);
    }
    while (!s.isEmpty() && ".!;".indexOf(s.charAt(s.length() - 1)) >= 0) {
      s = s.substring(0, s.length() - 1);
    }
    return s.strip();
  }
}
