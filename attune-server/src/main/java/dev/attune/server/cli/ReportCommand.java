package dev.attune.server.cli;

import dev.attune.api.Json;
import dev.attune.core.Attune;
import dev.attune.core.effectiveness.EffectivenessSummary;
import dev.attune.core.effectiveness.EffectivenessSummary.Period;
import dev.attune.core.effectiveness.Experiment;
import dev.attune.core.effectiveness.ExperimentResults;
import dev.attune.core.effectiveness.Metric;
import dev.attune.core.effectiveness.Stats;
import dev.attune.server.wire.EffectWire;
import dev.attune.server.wire.Wire;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code attune report}: is personalization helping? The tenant's effectiveness summary in the
 * terminal, as {@code GET /v1/effectiveness} gives it, and each experiment's results with its
 * verdict.
 */
@Command(
    name = "report",
    description =
        "Print a tenant's effectiveness: contexts, latency, utilization, corrections, feedback,"
            + " memories, storage, and each experiment's verdict.")
final class ReportCommand implements Callable<Integer> {
  @Mixin EngineOptions engine;

  @Spec CommandSpec spec;

  @Option(
      names = "--from",
      paramLabel = "TIME",
      description = "Start, ISO-8601 with offset (default: 30 days before --to).")
  String from;

  @Option(
      names = "--to",
      paramLabel = "TIME",
      description = "End, exclusive (default: the end of the current hour).")
  String to;

  @Option(
      names = "--granularity",
      paramLabel = "hour|day",
      defaultValue = "day",
      description = "Rows by hour (at most 31 days) or day (default).")
  String granularity;

  @Option(names = "--json", description = "Print JSON: the summary and each experiment's results.")
  boolean json;

  @Override
  public Integer call() {
    EffectivenessSummary.Granularity g =
        switch (granularity.toLowerCase(Locale.ROOT)) {
          case "hour" -> EffectivenessSummary.Granularity.HOUR;
          case "day" -> EffectivenessSummary.Granularity.DAY;
          default ->
              throw new dev.attune.core.model.InvalidRequestException(
                  "granularity", "--granularity must be hour or day; got '" + granularity + "'");
        };
    Instant end = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    Instant until = to == null ? end : Wire.instant("to", to);
    Instant since =
        from == null
            ? until.minus(Duration.ofDays(g == EffectivenessSummary.Granularity.DAY ? 30 : 2))
            : Wire.instant("from", from);
    PrintWriter out = spec.commandLine().getOut();
    try (Attune attune = engine.open()) {
      EffectivenessSummary s = attune.effects().summary(engine.tenant(), since, until, g);
      List<ExperimentResults> results = new ArrayList<>();
      for (Experiment e : attune.effects().experiments(engine.tenant())) {
        results.add(attune.effects().experimentResults(engine.tenant(), e.name(), since, until));
      }
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("summary", EffectWire.summary(engine.tenant(), s, attune.effects().dropped(), 50));
        doc.put("experiments", results.stream().map(EffectWire::results).toList());
        out.println(Json.writePretty(doc));
        return 0;
      }
      print(out, engine.tenant().value(), s);
      for (ExperimentResults r : results) {
        out.println();
        print(out, r, attune.effects().experiment(engine.tenant(), r.experiment()).orElseThrow());
      }
      if (results.isEmpty()) {
        out.println();
        out.println(
            "No experiments. Start one with PUT /v1/experiments/{name} to learn whether"
                + " personalization helps.");
      }
    }
    return 0;
  }

  static void print(PrintWriter out, String tenant, EffectivenessSummary s) {
    Period t = s.total();
    out.printf("Attune effectiveness for tenant %s, %s to %s%n%n", tenant, s.from(), s.to());
    out.printf(
        "Contexts served       %,d   latency p50 %s  p95 %s  p99 %s (target 50 ms)%n",
        t.contexts(), ms(t.latencyP50Ms()), ms(t.latencyP95Ms()), ms(t.latencyP99Ms()));
    out.printf(
        "Packs                 working set cached %s, degraded %s, empty %s, %s tokens each%n",
        pct(t.workingSetHitRate()), pct(t.degradedRate()), pct(t.emptyRate()), num(t.meanTokens()));
    out.printf(
        "Utilization           %,d replies matched: %s of the items injected were used (%s of"
            + " their tokens)%n",
        t.utilizedContexts(), pct(t.itemsUsedShare()), pct(t.tokensUsedShare()));
    out.printf(
        "Corrections           %,d (%s per 100 contexts); extracted memories corrected: %s%n",
        t.corrections(), num(t.correctionsPer100Contexts()), pct(t.extractedCorrectedShare()));
    out.printf(
        "Feedback              thumbs up %,d, down %,d; ratings %,d (mean %s); tasks completed"
            + " %,d, abandoned %,d%n",
        t.feedback().get("thumbs_up"),
        t.feedback().get("thumbs_down"),
        t.feedback().get("rating"),
        num(t.meanRating()),
        t.feedback().get("task_completed"),
        t.feedback().get("task_abandoned"));
    out.printf(
        "Memories              added %,d, reinforced %,d, superseded %,d, edited %,d, deleted %,d;"
            + " %,d messages observed%n",
        t.memories().get("added"),
        t.memories().get("reinforced"),
        t.memories().get("superseded"),
        t.memories().get("edited"),
        t.memories().get("deleted"),
        t.messagesObserved());
    out.printf(
        "Storage               %,.0f users, %,.0f active memories (%s per user), %s (%s per"
            + " user)%n",
        t.storage().get("users"),
        t.storage().get("active_memories"),
        num(t.storage().get("memories_per_user")),
        bytes(t.storage().get("stored_bytes")),
        bytes(t.storage().get("bytes_per_user")));
    out.printf("Extraction backlog    %,d messages%n", t.extractionBacklog());
    out.printf(
        "Model calls           %,d (%,d failed), %,d input and %,d output tokens%n",
        s.modelCalls().calls(),
        s.modelCalls().failures(),
        s.modelCalls().inputTokens(),
        s.modelCalls().outputTokens());
    out.println();
    out.println(
        "| "
            + s.granularity().wireName()
            + " | contexts | p95 ms | items used | corrections /100 | thumbs up | tasks"
            + " completed |");
    out.println("|---|---:|---:|---:|---:|---:|---:|");
    for (Period p : s.periods()) {
      if (p.contexts() == 0 && p.messagesObserved() == 0) {
        continue;
      }
      long up = p.feedback().get("thumbs_up");
      long down = p.feedback().get("thumbs_down");
      long done = p.feedback().get("task_completed");
      long abandoned = p.feedback().get("task_abandoned");
      out.printf(
          "| %s | %,d | %s | %s | %s | %s | %s |%n",
          p.start(),
          p.contexts(),
          num(p.latencyP95Ms()),
          pct(p.itemsUsedShare()),
          num(p.correctionsPer100Contexts()),
          pct(up + down == 0 ? Double.NaN : (double) up / (up + down)),
          pct(done + abandoned == 0 ? Double.NaN : (double) done / (done + abandoned)));
    }
  }

  static void print(PrintWriter out, ExperimentResults r, Experiment e) {
    out.printf(
        "Experiment '%s' (%s; primary metric %s; compared with '%s')%n",
        r.experiment(),
        e.active() ? "active" : "inactive",
        r.primary().wireName(),
        r.control() == null ? "no arm without personalization" : r.control());
    out.println(
        "| arm | share | users | contexts | "
            + r.primary().wireName()
            + " [95% CI] | lift [95% CI] | verdict |");
    out.println("|---|---:|---:|---:|---|---|---|");
    for (ExperimentResults.ArmResult a : r.arms()) {
      out.printf(
          "| %s%s | %.0f%% | %,d | %,d | %s | %s | %s |%n",
          a.arm(),
          a.personalize() ? "" : " (no personalization)",
          a.share() * 100,
          a.users(),
          a.contexts(),
          estimate(a.metrics().get(r.primary())),
          estimate(a.lift().get(r.primary())),
          a.arm().equals(r.control()) ? "(control)" : a.verdict().wireName());
    }
    for (ExperimentResults.ArmResult a : r.arms()) {
      if (a.arm().equals(r.control())) {
        continue;
      }
      for (Metric m : Metric.values()) {
        if (m != r.primary() && a.lift().get(m).known()) {
          out.printf(
              "  %s, %s: %s, lift %s (%s; not the primary metric)%n",
              a.arm(),
              m.wireName(),
              estimate(a.metrics().get(m)),
              estimate(a.lift().get(m)),
              a.verdicts().get(m).wireName());
        }
      }
    }
  }

  static String estimate(Stats.Estimate e) {
    if (!e.known()) {
      return "no data";
    }
    if (!Double.isFinite(e.low()) || !Double.isFinite(e.high())) {
      return String.format(Locale.ROOT, "%.3f [too few users]", e.value());
    }
    return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", e.value(), e.low(), e.high());
  }

  static String ms(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f ms", v);
  }

  static String pct(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f%%", v * 100);
  }

  static String num(Double v) {
    return v == null || Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }

  static String bytes(Double v) {
    if (v == null || Double.isNaN(v)) {
      return "-";
    }
    if (v >= 1 << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", v / (1 << 20));
    }
    return String.format(Locale.ROOT, "%.1f KiB", v / 1024);
  }
}
