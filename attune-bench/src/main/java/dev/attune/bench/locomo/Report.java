package dev.attune.bench.locomo;

import dev.attune.bench.RecallFloor;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The LoCoMo run's outputs: results.json, results.md, the recall-budget plot, the floor check. */
final class Report {
  static final double TARGET_RECALL_AT_10 = 0.75;
  static final double TARGET_RATIO_AT_1000 = 1.3;

  private static final Map<String, String> LABELS =
      Map.of(
          "attune", "Attune",
          "bm25", "BM25 over turns",
          "dense", "dense over turns",
          "recency", "recency",
          "hybrid_turns", "BM25+dense RRF over turns (reference, not a target baseline)");

  private final List<Integer> budgets;
  private final Map<String, Scores> scores;
  private final int skipped;
  private final double fullContextMean;
  private final int conversations;
  private final double seconds;
  private final Map<String, Object> config;

  Report(
      List<Integer> budgets,
      Map<String, Scores> scores,
      int skipped,
      double fullContextMean,
      int conversations,
      double seconds,
      Map<String, Object> config) {
    this.budgets = budgets;
    this.scores = scores;
    this.skipped = skipped;
    this.fullContextMean = fullContextMean;
    this.conversations = conversations;
    this.seconds = seconds;
    this.config = config;
  }

  private Scores attune() {
    return scores.get("attune");
  }

  /** The best target baseline's strict recall at {@code budget}, and its name. */
  private Map.Entry<String, Double> bestBaselineAt(int budget) {
    String best = null;
    double value = -1;
    for (String b : LocomoEval.BASELINES) {
      double v = scores.get(b).overallRecallAtBudget(budget, true);
      if (v > value) {
        value = v;
        best = b;
      }
    }
    return Map.entry(best, value);
  }

  Map<String, Object> json() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("scored_questions", attune().scored());
    out.put("skipped_questions", skipped);
    out.put("conversations", conversations);
    out.put("budgets", budgets);
    Map<String, Object> systems = new LinkedHashMap<>();
    scores.forEach((name, s) -> systems.put(name, s.toJson()));
    out.put("systems", systems);
    out.put("full_context_tokens_mean", Math.round(fullContextMean));
    out.put("targets", targets());
    out.put(
        "reference",
        Map.of(
            "locomo_paper_dragon_turns",
            Map.of("recall_at_5", 0.567, "recall_at_10", 0.662, "recall_at_25", 0.767),
            "bm25_turns_recall_at_10",
            0.53));
    out.put("config", config);
    out.put("seconds", Math.round(seconds));
    return out;
  }

  private Map<String, Object> targets() {
    Map<String, Object> t = new LinkedHashMap<>();
    double r10 = attune().overallRecallAtK(10, true);
    t.put(
        "recall_at_10",
        Map.of("target", TARGET_RECALL_AT_10, "attune", r10, "met", r10 >= TARGET_RECALL_AT_10));
    if (budgets.contains(1000)) {
      Map.Entry<String, Double> best = bestBaselineAt(1000);
      double a = attune().overallRecallAtBudget(1000, true);
      double ratio = best.getValue() > 0 ? a / best.getValue() : 0;
      t.put(
          "recall_at_1000_vs_best_baseline",
          Map.of(
              "target_ratio",
              TARGET_RATIO_AT_1000,
              "attune",
              a,
              "best_baseline",
              best.getKey(),
              "best_baseline_recall",
              best.getValue(),
              "ratio",
              Scores.round(ratio),
              "met",
              ratio >= TARGET_RATIO_AT_1000));
    }
    return t;
  }

  String summary() {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            "scored questions (categories 1-4): %d; skipped without valid evidence: %d%n",
            attune().scored(), skipped));
    b.append(overallTable(true));
    b.append(String.format("full conversation: %.0f tokens on average%n", fullContextMean));
    targets().forEach((k, v) -> b.append("target ").append(k).append(": ").append(v).append('\n'));
    return b.toString();
  }

  private String overallTable(boolean strict) {
    StringBuilder b = new StringBuilder();
    b.append("| system | R@5 | R@10 | R@25 |");
    budgets.forEach(x -> b.append(" recall@").append(x).append(" |"));
    budgets.forEach(x -> b.append(" tokens@").append(x).append(" |"));
    b.append("\n|---|---|---|---|");
    budgets.forEach(x -> b.append("---|---|"));
    b.append('\n');
    for (Map.Entry<String, Scores> e : scores.entrySet()) {
      Scores.Acc acc = e.getValue().overall();
      b.append("| ").append(LABELS.getOrDefault(e.getKey(), e.getKey())).append(" | ");
      for (int k : Scores.KS) {
        b.append(LocomoEval.fmt(acc.atK(k, strict))).append(" | ");
      }
      for (int i = 0; i < budgets.size(); i++) {
        b.append(LocomoEval.fmt(acc.atBudget(i, strict))).append(" | ");
      }
      for (int i = 0; i < budgets.size(); i++) {
        b.append(String.format("%.0f", acc.meanTokens(i))).append(" | ");
      }
      b.append('\n');
    }
    return b.toString();
  }

  String markdown() {
    StringBuilder b = new StringBuilder("# LoCoMo evidence recall\n\n");
    b.append(
        String.format(
            "%d conversations; %d questions of categories 1-4 scored; %d skipped (no valid evidence);"
                + " %.0f s.%nRecall is the share of a question's gold evidence turns among the sources of"
                + " the items returned. Strict: only items built from at most 3 messages count.%n%n",
            conversations, attune().scored(), skipped, seconds));
    b.append("## Overall (categories 1-4), strict\n\n").append(overallTable(true));
    b.append("\n## Overall, counting every source\n\n").append(overallTable(false));
    b.append("\n## By category, strict\n\n| category | system | R@10 |");
    budgets.forEach(x -> b.append(" recall@").append(x).append(" |"));
    b.append("\n|---|---|---|");
    budgets.forEach(x -> b.append("---|"));
    b.append('\n');
    for (String category : attune().categories().keySet()) {
      for (Map.Entry<String, Scores> e : scores.entrySet()) {
        Scores.Acc acc = e.getValue().categories().get(category);
        if (acc == null) {
          continue;
        }
        b.append("| ")
            .append(category)
            .append(" (")
            .append(acc.n)
            .append(") | ")
            .append(LABELS.getOrDefault(e.getKey(), e.getKey()))
            .append(" | ")
            .append(LocomoEval.fmt(acc.atK(10, true)))
            .append(" | ");
        for (int i = 0; i < budgets.size(); i++) {
          b.append(LocomoEval.fmt(acc.atBudget(i, true))).append(" | ");
        }
        b.append('\n');
      }
    }
    b.append("\nThe adversarial category (5) is reported apart and not in the overall figures.\n");
    b.append(
        String.format(
            "%nFull conversation: %.0f tokens on average (cl100k_base).%n", fullContextMean));
    b.append("\n## Targets\n\n");
    targets().forEach((k, v) -> b.append("- ").append(k).append(": ").append(v).append('\n'));
    b.append(
        "\nPublished reference points: LoCoMo paper, DRAGON over turns R@5 0.567, R@10 0.662,"
            + " R@25 0.767; BM25 over turns R@10 about 0.53.\n");
    b.append("\nConfiguration: ").append(config).append('\n');
    return b.toString();
  }

  void plot(Path png) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Map.Entry<String, Scores> e : scores.entrySet()) {
      XYSeries s = new XYSeries(LABELS.getOrDefault(e.getKey(), e.getKey()));
      for (int i = 0; i < budgets.size(); i++) {
        s.add(budgets.get(i).doubleValue(), e.getValue().overall().atBudget(i, true));
      }
      data.addSeries(s);
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            "LoCoMo evidence recall (strict) against token budget",
            "token budget (cl100k)",
            "evidence recall, categories 1-4",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    XYPlot plot = chart.getXYPlot();
    NumberAxis x = (NumberAxis) plot.getDomainAxis();
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    x.setRange(0, budgets.stream().mapToInt(Integer::intValue).max().orElse(2000) * 1.05);
    NumberAxis y = (NumberAxis) plot.getRangeAxis();
    y.setRange(0, 1);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    Color[] colors = {
      new Color(0xD62728),
      new Color(0x1F77B4),
      new Color(0x2CA02C),
      new Color(0x7F7F7F),
      new Color(0x9467BD)
    };
    for (int i = 0; i < data.getSeriesCount(); i++) {
      renderer.setSeriesStroke(i, new BasicStroke(i == 0 ? 3f : 1.5f));
      renderer.setSeriesPaint(i, colors[i % colors.length]);
    }
    plot.setRenderer(renderer);
    ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 560);
  }

  /** Compares strict recall with {@code floor}; prints what it checked. */
  boolean checkFloor(RecallFloor floor, int conversations, PrintWriter w) {
    return floor.check(
        "recall",
        conversations,
        "conversations",
        budgets,
        budget -> attune().overallRecallAtBudget(budget, true),
        () -> attune().overallRecallAtK(10, true),
        w);
  }
}
