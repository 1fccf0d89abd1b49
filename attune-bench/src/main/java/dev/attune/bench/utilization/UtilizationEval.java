package dev.attune.bench.utilization;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.api.Json;
import dev.attune.bench.JsonFiles;
import dev.attune.core.learning.UtilizationMatcher;
import dev.attune.models.LocalEmbedder;
import dev.attune.models.LocalModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./attune eval utilization}: precision and recall of the utilization matcher on a labelled
 * set of replies and the items of their packs. The even cases calibrate (the sweep shows what each
 * weight and threshold would give there), the odd cases test: the default is judged on cases it was
 * not chosen on.
 */
@Command(
    name = "utilization",
    mixinStandardHelpOptions = true,
    description = "Precision and recall of the utilization matcher on a labelled set.")
public final class UtilizationEval implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--labels",
      defaultValue = "eval/utilization-labels.json",
      description = "The labelled set (default eval/utilization-labels.json).")
  Path labels;

  @Option(
      names = "--embedding-model",
      defaultValue = "all-minilm-l6-v2-q",
      description = "Local embedding model id (default all-minilm-l6-v2-q).")
  String embeddingModel;

  @Option(names = "--sweep", description = "Also print the weight and threshold sweep.")
  boolean sweep;

  @Option(
      names = "--out",
      defaultValue = "bench-results/utilization.json",
      description = "Results file (default bench-results/utilization.json).")
  Path out;

  /** One labelled item with its scores. */
  record Scored(int caseIndex, double semantic, double lexical, boolean used) {}

  /** Precision, recall and F1 of one setting on some cases. */
  record Quality(double precision, double recall, double f1, int labelled) {}

  @Override
  public Integer call() throws IOException {
    PrintWriter w = spec.commandLine().getOut();
    JsonNode root = JsonFiles.read("--labels", labels);
    // Scores without a threshold: every setting below is computed from them.
    UtilizationMatcher matcher =
        new UtilizationMatcher(LocalEmbedder.create(LocalModel.byId(embeddingModel)));
    List<Scored> scored = new ArrayList<>();
    int index = 0;
    for (JsonNode c : JsonFiles.field(root, "cases", "--labels " + labels)) {
      String where = "--labels " + labels + ", case " + index;
      List<UtilizationMatcher.Item> items = new ArrayList<>();
      List<Boolean> used = new ArrayList<>();
      for (JsonNode item : JsonFiles.field(c, "items", where)) {
        String at = where + ", item " + items.size();
        items.add(
            new UtilizationMatcher.Item(
                "i" + items.size(), JsonFiles.field(item, "text", at).asText()));
        used.add(JsonFiles.field(item, "used", at).asBoolean());
      }
      List<UtilizationMatcher.Match> matches =
          matcher.match(items, JsonFiles.field(c, "reply", where).asText());
      for (int i = 0; i < matches.size(); i++) {
        scored.add(
            new Scored(index, matches.get(i).semantic(), matches.get(i).lexical(), used.get(i)));
      }
      index++;
    }
    double weight = UtilizationMatcher.DEFAULT_SEMANTIC_WEIGHT;
    double threshold = UtilizationMatcher.DEFAULT_THRESHOLD;
    Map<String, Object> results = new LinkedHashMap<>();
    w.printf(
        Locale.ROOT,
        "Utilization matcher (weight %.2f, threshold %.2f) on %d cases, %d items:%n",
        weight,
        threshold,
        index,
        scored.size());
    w.println("| cases | items | precision | recall | F1 |");
    w.println("|---|---|---|---|---|");
    for (String part : List.of("calibration (even)", "test (odd)", "all")) {
      Quality q = quality(select(scored, part), weight, threshold);
      w.printf(
          Locale.ROOT,
          "| %s | %d | %.3f | %.3f | %.3f |%n",
          part,
          q.labelled(),
          q.precision(),
          q.recall(),
          q.f1());
      results.put(part, q);
    }
    // The two signals alone, each with its threshold chosen on the calibration cases as well.
    List<Scored> even = select(scored, "calibration (even)");
    List<Scored> odd = select(scored, "test (odd)");
    Quality wordsAlone = quality(odd, 0, bestThreshold(even, 0));
    Quality meaningAlone = quality(odd, 1, bestThreshold(even, 1));
    w.printf(
        Locale.ROOT,
        "Each signal alone, threshold chosen on the calibration cases, on the test cases: words"
            + " P %.3f R %.3f F1 %.3f; meaning P %.3f R %.3f F1 %.3f%n",
        wordsAlone.precision(),
        wordsAlone.recall(),
        wordsAlone.f1(),
        meaningAlone.precision(),
        meaningAlone.recall(),
        meaningAlone.f1());
    results.put("test_words_alone", wordsAlone);
    results.put("test_meaning_alone", meaningAlone);
    if (sweep) {
      w.println("Sweep on the calibration cases (weight: threshold -> F1):");
      for (double wt = 0.3; wt <= 0.91; wt += 0.1) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %.1f:", wt));
        for (double t = 0.10; t <= 0.501; t += 0.05) {
          line.append(String.format(Locale.ROOT, " %.2f->%.3f", t, quality(even, wt, t).f1()));
        }
        w.println(line);
      }
    }
    results.put("items", scored);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, Json.writePretty(results));
    return 0;
  }

  private static List<Scored> select(List<Scored> scored, String part) {
    if (part.startsWith("calibration")) {
      return scored.stream().filter(s -> s.caseIndex() % 2 == 0).toList();
    }
    if (part.startsWith("test")) {
      return scored.stream().filter(s -> s.caseIndex() % 2 == 1).toList();
    }
    return scored;
  }

  private static double bestThreshold(List<Scored> scored, double weight) {
    double best = 0;
    double bestF1 = -1;
    for (double t = 0.1; t <= 0.9; t += 0.01) {
      double f1 = quality(scored, weight, t).f1();
      if (f1 > bestF1) {
        bestF1 = f1;
        best = t;
      }
    }
    return best;
  }

  static Quality quality(List<Scored> scored, double weight, double threshold) {
    int tp = 0;
    int fp = 0;
    int fn = 0;
    for (Scored s : scored) {
      boolean predicted = weight * s.semantic() + (1 - weight) * s.lexical() >= threshold;
      if (predicted && s.used()) {
        tp++;
      } else if (predicted) {
        fp++;
      } else if (s.used()) {
        fn++;
      }
    }
    double p = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
    double r = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
    double f1 = p + r == 0 ? 0 : 2 * p * r / (p + r);
    return new Quality(p, r, f1, scored.size());
  }
}
