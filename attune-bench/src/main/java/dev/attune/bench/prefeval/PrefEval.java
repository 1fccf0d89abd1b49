package dev.attune.bench.prefeval;

import dev.attune.api.Json;
import dev.attune.bench.ChatModelOption;
import dev.attune.bench.RecallFloor;
import dev.attune.bench.RecordOverrides;
import dev.attune.bench.TempDirs;
import dev.attune.bench.baseline.Packs;
import dev.attune.bench.baseline.Ranked;
import dev.attune.bench.baseline.RawTurns;
import dev.attune.core.Attune;
import dev.attune.core.api.ContextPack;
import dev.attune.core.api.ContextRequest;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.api.Priorities;
import dev.attune.core.assembly.AssemblyPolicy;
import dev.attune.core.model.BlockType;
import dev.attune.core.model.Message;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.TokenCounter;
import dev.attune.core.retrieval.RetrievalPolicy;
import dev.attune.core.tokens.TokenCounters;
import dev.attune.models.LocalEmbedder;
import dev.attune.models.LocalModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./attune eval prefeval}: does the context for a later request hold the preference the user
 * stated earlier? The protocol of the dataset's SOURCE.md, beside raw-turn baselines run in the
 * same process over the same messages, with the same tokenizer and budgets. Needs no LLM.
 */
@Command(
    name = "prefeval",
    mixinStandardHelpOptions = true,
    description =
        "PrefEval preference recall: Attune beside BM25, dense and their fusion over raw turns.")
public final class PrefEval implements Callable<Integer> {
  static final List<String> SYSTEMS = List.of("attune", "bm25", "dense", "rrf");
  static final int[] KS = {1, 5, 10};
  private static final TenantId TENANT = TenantId.of("prefeval");
  private static final int RANK_DEPTH = 100;

  @Spec CommandSpec spec;

  @Option(
      names = "--dataset",
      required = true,
      paramLabel = "DIR",
      description = "A folder with explicit_preference/<topic>.json (e.g. prefeval-dev).")
  Path dataset;

  @Option(
      names = "--fillers",
      paramLabel = "FILE",
      description = "Filler conversations (default: <dataset>/filtered_inter_turns.json).")
  Path fillers;

  @Option(names = "--users", defaultValue = "50", description = "Simulated users (default 50).")
  int users;

  @Option(
      names = "--budgets",
      split = ",",
      defaultValue = "150,300,1000",
      description = "Token budgets (default 150,300,1000).")
  List<Integer> budgets;

  @Option(
      names = "--out",
      defaultValue = "eval-results/prefeval",
      description = "Output directory (default eval-results/prefeval).")
  Path out;

  @Option(
      names = "--floor",
      paramLabel = "FILE",
      description = "Fail (exit 1) if Attune's recall falls below the floors in FILE.")
  Path floor;

  @Option(
      names = "--set",
      paramLabel = "NAME=VALUE",
      description =
          "Experiment: override a retrieval or assembly policy value (names as in RetrievalPolicy"
              + " and AssemblyPolicy; default: the product's).")
  List<String> settings = List.of();

  @Option(
      names = "--priority",
      paramLabel = "BLOCK=N",
      description = "Experiment: a block's priority, e.g. --priority history=50.")
  Map<BlockType, Integer> priorities = Map.of();

  @Option(
      names = "--explain",
      paramLabel = "N",
      defaultValue = "0",
      description = "Print the pack of the first N requests whose preference Attune misses at 300.")
  int explain;

  @Option(
      names = "--show",
      paramLabel = "N",
      defaultValue = "0",
      description = "Print the pack at 300 tokens of the first N requests, hit or miss.")
  int show;

  @Option(
      names = "--embedding-model",
      paramLabel = "ID",
      defaultValue = "all-minilm-l6-v2-q",
      description =
          "Experiment: the local embedding model (all-minilm-l6-v2-q, the default;"
              + " all-minilm-l6-v2, bge-small-en-v1.5-q, e5-small-v2-q).")
  String embeddingModel;

  @Mixin ChatModelOption chatModel = new ChatModelOption();

  @Override
  public Integer call() throws IOException {
    PrintWriter w = spec.commandLine().getOut();
    RecallFloor floorFile = floor == null ? null : RecallFloor.read(floor, "users", false);
    if (users < 1 || users > 10_000) {
      throw new IllegalArgumentException("--users must be within 1..10000; got " + users);
    }
    for (int b : budgets) {
      if (b <= 0 || b > 1_000_000) {
        throw new IllegalArgumentException("--budgets must be within 1..1000000; got " + b);
      }
    }
    chatModel.resolve();
    Path fillerFile = fillers != null ? fillers : dataset.resolve("filtered_inter_turns.json");
    PrefEvalData.Dataset data = PrefEvalData.read(dataset, fillerFile);
    List<PrefEvalData.SimUser> simulated = PrefEvalData.simulate(data, users);

    Map<String, String> overrides =
        RecordOverrides.parseFor(settings, List.of(RetrievalPolicy.class, AssemblyPolicy.class));
    RetrievalPolicy retrieval = RecordOverrides.apply(RetrievalPolicy.defaults(), overrides);
    AssemblyPolicy assembly = RecordOverrides.apply(AssemblyPolicy.defaults(), overrides);

    TokenCounter tokens = TokenCounters.cl100k();
    LocalEmbedder embedder = LocalEmbedder.create(LocalModel.byId(embeddingModel));
    Map<String, Tally> tallies = new LinkedHashMap<>();
    SYSTEMS.forEach(s -> tallies.put(s, new Tally(budgets.size())));
    Map<String, Tally> attuneByTopic = new LinkedHashMap<>();
    long started = System.nanoTime();
    Path dir = Files.createTempDirectory("attune-prefeval");
    // Each user's requests come just after their own last message; the clock follows.
    AtomicReference<Instant> now = new AtomicReference<>(PrefEvalData.START);
    int probes = simulated.stream().mapToInt(u -> u.probes().size()).sum();
    long failedExtraction = 0;
    try (Attune attune =
            chatModel
                .apply(Attune.builder())
                .dataDir(dir)
                .embedder(embedder)
                .tokenCounter(tokens)
                .clock(now::get)
                .retrievalPolicy(retrieval)
                .assemblyPolicy(assembly)
                .priorities(Priorities.defaults().with(priorities))
                .episodeRetention(java.time.Duration.ZERO)
                .build();
        ProgressBar bar =
            new ProgressBarBuilder()
                .setTaskName("prefeval")
                .setStyle(ProgressBarStyle.ASCII)
                .setInitialMax(simulated.size() + probes)
                .setUpdateIntervalMillis(1000)
                .build()) {
      bar.setExtraMessage("observing");
      for (PrefEvalData.SimUser u : simulated) {
        for (PrefEvalData.Session s : u.sessions()) {
          List<Message> messages = new ArrayList<>();
          for (PrefEvalData.Turn t : s.turns()) {
            messages.add(new Message(t.role(), t.content(), t.id(), t.at(), null));
          }
          now.set(s.turns().get(s.turns().size() - 1).at());
          attune.observe(
              ObserveRequest.builder(TENANT, UserId.of(u.id()))
                  .sessionId(s.id())
                  .messages(messages)
                  .build());
        }
        bar.step();
      }
      chatModel.extractAll(attune, TENANT, simulated.stream().map(u -> UserId.of(u.id())).toList());
      bar.setExtraMessage("asking");
      for (PrefEvalData.SimUser u : simulated) {
        now.set(u.askedAt());
        UserId user = UserId.of(u.id());
        Baselines baselines = new Baselines(u, tokens, embedder);
        for (PrefEvalData.Probe p : u.probes()) {
          bar.step();
          // Attune: items by score for rank, then a real pack per budget.
          List<Ranked> ranked = Packs.ranking(attune, TENANT, user, p.question(), RANK_DEPTH);
          List<List<Ranked>> packs = new ArrayList<>();
          int[] used = new int[budgets.size()];
          ContextPack at300 = null;
          for (int i = 0; i < budgets.size(); i++) {
            ContextPack pack =
                attune.context(
                    ContextRequest.builder(TENANT, user)
                        .query(p.question())
                        .maxTokens(budgets.get(i))
                        .build());
            packs.add(pack.items().map(Packs::ranked).toList());
            used[i] = pack.tokens();
            at300 = budgets.get(i) == 300 ? pack : at300;
          }
          boolean[] hit = tallies.get("attune").add(p.preferenceId(), ranked, packs, used);
          attuneByTopic
              .computeIfAbsent(p.topic(), t -> new Tally(budgets.size()))
              .add(p.preferenceId(), ranked, packs, used);
          int i300 = budgets.indexOf(300);
          boolean miss = i300 >= 0 && !hit[i300];
          if (at300 != null && ((explain > 0 && miss) || show > 0)) {
            if (show > 0) {
              show--;
            } else {
              explain--;
            }
            w.printf(
                "%n[%s%s] %s%n  preference: %s%n",
                u.id(), miss ? ", missed" : "", p.question(), p.preference());
            w.println(at300.context().indent(4));
            w.flush();
          }
          baselines.score(p, budgets, tallies);
        }
      }
      failedExtraction = chatModel.failedMessages(attune, TENANT);
    } finally {
      TempDirs.delete(dir);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    Map<String, Object> json =
        json(tallies, attuneByTopic, simulated.size(), probes, seconds, data, failedExtraction);
    Files.createDirectories(out);
    Files.writeString(out.resolve("results.json"), Json.writePretty(json));
    Files.writeString(out.resolve("results.md"), markdown(tallies, attuneByTopic, probes));
    w.println();
    w.print(table(tallies));
    w.printf(
        "wrote %s and %s (%.0f s)%n",
        out.resolve("results.json"), out.resolve("results.md"), seconds);
    if (floor != null) {
      return checkFloor(floorFile, tallies.get("attune"), w) ? 0 : 1;
    }
    return 0;
  }

  /** The raw-turn baselines over one user's messages. */
  private static final class Baselines {
    private final Map<String, Integer> turnTokens = new HashMap<>();
    private final RawTurns.Ranker bm25;
    private final RawTurns.Ranker dense;

    Baselines(PrefEvalData.SimUser u, TokenCounter tokens, LocalEmbedder embedder) {
      // A baseline indexes and pays for each turn as "role: content".
      List<RawTurns.Turn> turns =
          u.turns().stream()
              .map(t -> new RawTurns.Turn(t.id(), t.role().wireName() + ": " + t.content()))
              .toList();
      List<float[]> vectors = embedder.embedAll(turns.stream().map(RawTurns.Turn::text).toList());
      Map<String, float[]> byId = new HashMap<>();
      for (int i = 0; i < turns.size(); i++) {
        byId.put(turns.get(i).id(), vectors.get(i));
        turnTokens.put(turns.get(i).id(), tokens.count(turns.get(i).text()));
      }
      this.bm25 = RawTurns.bm25(turns);
      this.dense = RawTurns.dense(turns, embedder, byId);
    }

    void score(PrefEvalData.Probe p, List<Integer> budgets, Map<String, Tally> tallies) {
      Map<String, List<String>> rankings = new LinkedHashMap<>();
      rankings.put("bm25", bm25.rank(p.question(), RANK_DEPTH));
      rankings.put("dense", dense.rank(p.question(), RANK_DEPTH));
      rankings.put("rrf", RawTurns.rrf(rankings.get("bm25"), rankings.get("dense"), RANK_DEPTH));
      rankings.forEach(
          (name, ids) -> {
            List<Ranked> ranked =
                ids.stream().map(id -> Ranked.turn(id, turnTokens.get(id))).toList();
            List<List<Ranked>> packs = new ArrayList<>();
            int[] used = new int[budgets.size()];
            for (int i = 0; i < budgets.size(); i++) {
              List<Ranked> taken = RawTurns.fill(ranked, budgets.get(i));
              packs.add(taken);
              used[i] = taken.stream().mapToInt(Ranked::tokens).sum();
            }
            tallies.get(name).add(p.preferenceId(), ranked, packs, used);
          });
    }
  }

  /** Hits and tokens of one system over the requests. */
  static final class Tally {
    int n;
    final int[] hitsAtBudget;
    final long[] tokensAtBudget;
    final int[] hitsAtK = new int[KS.length];

    Tally(int budgets) {
      hitsAtBudget = new int[budgets];
      tokensAtBudget = new long[budgets];
    }

    /**
     * Records one request; returns, per budget, whether the pack held the preference: some item
     * that cites at most {@link Ranked#STRICT_MAX_SOURCES} messages cites it.
     */
    boolean[] add(String preferenceId, List<Ranked> ranked, List<List<Ranked>> packs, int[] used) {
      n++;
      for (int k = 0; k < KS.length; k++) {
        if (holds(ranked.subList(0, Math.min(KS[k], ranked.size())), preferenceId)) {
          hitsAtK[k]++;
        }
      }
      boolean[] hit = new boolean[packs.size()];
      for (int i = 0; i < packs.size(); i++) {
        hit[i] = holds(packs.get(i), preferenceId);
        hitsAtBudget[i] += hit[i] ? 1 : 0;
        tokensAtBudget[i] += used[i];
      }
      return hit;
    }

    static boolean holds(List<Ranked> items, String preferenceId) {
      return Ranked.recall(List.of(preferenceId), items, true) > 0;
    }

    double recallAtBudget(int i) {
      return n == 0 ? 0 : round((double) hitsAtBudget[i] / n);
    }

    double recallAtK(int k) {
      return n == 0 ? 0 : round((double) hitsAtK[k] / n);
    }

    double meanTokens(int i) {
      return n == 0 ? 0 : Math.round((double) tokensAtBudget[i] / n * 10) / 10.0;
    }
  }

  private Map<String, Object> json(
      Map<String, Tally> tallies,
      Map<String, Tally> byTopic,
      int userCount,
      int probes,
      double seconds,
      PrefEvalData.Dataset data,
      long failedExtraction) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("users", userCount);
    j.put("requests", probes);
    j.put("topics", data.topics().stream().map(PrefEvalData.Topic::name).toList());
    j.put("budgets", budgets);
    Map<String, Object> systems = new LinkedHashMap<>();
    tallies.forEach((name, t) -> systems.put(name, tallyJson(t)));
    j.put("systems", systems);
    Map<String, Object> topics = new LinkedHashMap<>();
    byTopic.forEach((name, t) -> topics.put(name, tallyJson(t)));
    j.put("attune_by_topic", topics);
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("tokenizer", "cl100k_base");
    config.put("embedding_model", embeddingModel);
    chatModel.describe(config, failedExtraction);
    config.put("overrides", settings);
    config.put("fillers_per_topic", PrefEvalData.FILLERS_PER_TOPIC);
    config.put("filler_messages", PrefEvalData.FILLER_MESSAGES);
    config.put("filler_chars", PrefEvalData.FILLER_CHARS);
    j.put("config", config);
    j.put("seconds", Math.round(seconds));
    return j;
  }

  private Map<String, Object> tallyJson(Tally t) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("requests", t.n);
    Map<String, Object> atBudget = new LinkedHashMap<>();
    Map<String, Object> meanTokens = new LinkedHashMap<>();
    for (int i = 0; i < budgets.size(); i++) {
      atBudget.put(String.valueOf(budgets.get(i)), t.recallAtBudget(i));
      meanTokens.put(String.valueOf(budgets.get(i)), t.meanTokens(i));
    }
    o.put("recall_at_budget", atBudget);
    o.put("mean_tokens", meanTokens);
    for (int k = 0; k < KS.length; k++) {
      o.put("recall_at_" + KS[k], t.recallAtK(k));
    }
    return o;
  }

  private String table(Map<String, Tally> tallies) {
    StringBuilder b = new StringBuilder("| system |");
    for (int k : KS) {
      b.append(" R@").append(k).append(" |");
    }
    budgets.forEach(x -> b.append(" recall@").append(x).append(" |"));
    budgets.forEach(x -> b.append(" tokens@").append(x).append(" |"));
    b.append("\n|---|").append("---|".repeat(KS.length + 2 * budgets.size())).append('\n');
    tallies.forEach(
        (name, t) -> {
          b.append("| ").append(name).append(" |");
          for (int k = 0; k < KS.length; k++) {
            b.append(' ').append(fmt(t.recallAtK(k))).append(" |");
          }
          for (int i = 0; i < budgets.size(); i++) {
            b.append(' ').append(fmt(t.recallAtBudget(i))).append(" |");
          }
          for (int i = 0; i < budgets.size(); i++) {
            b.append(' ').append(String.format("%.0f", t.meanTokens(i))).append(" |");
          }
          b.append('\n');
        });
    return b.toString();
  }

  private String markdown(Map<String, Tally> tallies, Map<String, Tally> byTopic, int probes) {
    StringBuilder b = new StringBuilder("# PrefEval preference recall\n\n");
    b.append(
        String.format(
            "%d users, %d requests; a hit is an item of at most %d sources that cites the message"
                + " stating the preference.%n%n",
            users, probes, Ranked.STRICT_MAX_SOURCES));
    b.append(table(tallies)).append("\n## Attune by topic\n\n");
    b.append(table(byTopic));
    return b.toString();
  }

  private boolean checkFloor(RecallFloor floor, Tally attune, PrintWriter w) {
    return floor.check(
        "prefeval",
        users,
        "users",
        budgets,
        budget -> attune.recallAtBudget(budgets.indexOf(budget)),
        () -> Double.NaN, // prefeval floors set no rank-10 recall
        w);
  }

  static double round(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }

  static String fmt(double v) {
    return String.format(java.util.Locale.ROOT, "%.3f", v);
  }
}
