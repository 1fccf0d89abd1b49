package dev.attune.bench.locomo;

import dev.attune.api.Json;
import dev.attune.bench.ChatModelOption;
import dev.attune.bench.RecallFloor;
import dev.attune.bench.RecordOverrides;
import dev.attune.bench.TempDirs;
import dev.attune.bench.baseline.Packs;
import dev.attune.bench.baseline.Ranked;
import dev.attune.bench.baseline.RawTurns;
import dev.attune.core.Attune;
import dev.attune.core.api.ContextItem;
import dev.attune.core.api.ContextPack;
import dev.attune.core.api.ContextRequest;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.api.Priorities;
import dev.attune.core.assembly.AssemblyPolicy;
import dev.attune.core.model.BlockType;
import dev.attune.core.model.Message;
import dev.attune.core.model.Role;
import dev.attune.core.model.SourceRef;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./attune eval locomo}: evidence recall of Attune's context against raw-turn baselines on
 * the LoCoMo benchmark, with the same tokenizer and budgets. Needs no LLM.
 */
@Command(
    name = "locomo",
    mixinStandardHelpOptions = true,
    description = "LoCoMo evidence recall: Attune beside BM25, dense and recency over raw turns.")
public final class LocomoEval implements Callable<Integer> {
  static final List<String> SYSTEMS = List.of("attune", "bm25", "dense", "recency", "hybrid_turns");
  static final List<String> BASELINES = List.of("bm25", "dense", "recency");
  private static final TenantId TENANT = TenantId.of("locomo");
  private static final int RANK_DEPTH = 100;

  @Spec CommandSpec spec;

  @Option(names = "--dataset", required = true, paramLabel = "PATH", description = "locomo10.json.")
  Path dataset;

  @Option(
      names = "--conversations",
      paramLabel = "N",
      description = "Only the first N conversations (default all).")
  Integer conversations;

  @Option(
      names = "--budgets",
      split = ",",
      defaultValue = "250,500,1000,2000",
      description = "Token budgets (default 250,500,1000,2000).")
  List<Integer> budgets;

  @Option(
      names = "--out",
      defaultValue = "eval-results/locomo",
      description = "Output directory (default eval-results/locomo).")
  Path out;

  @Option(
      names = "--floor",
      paramLabel = "FILE",
      description = "Fail (exit 1) if strict recall falls below the floors in FILE.")
  Path floor;

  @Option(
      names = "--set",
      paramLabel = "NAME=VALUE",
      description =
          "Experiment: override a retrieval or assembly policy value, e.g. --set windowBefore=2"
              + " (names as in RetrievalPolicy and AssemblyPolicy; default: the product's).")
  List<String> settings = List.of();

  @Option(
      names = "--priority",
      paramLabel = "BLOCK=N",
      description =
          "Experiment: a block's priority, e.g. --priority history=50 (default: the product's).")
  Map<BlockType, Integer> priorities = Map.of();

  @Option(
      names = "--explain",
      paramLabel = "N",
      hidden = true,
      defaultValue = "0",
      description = "Debug: print the top items of the first N questions Attune misses at rank 10.")
  int explain;

  @Option(
      names = "--show-packs",
      paramLabel = "N",
      hidden = true,
      defaultValue = "0",
      description =
          "Debug: print the pack of the largest budget for the first N questions whose evidence"
              + " it misses, with the evidence and each item's sources.")
  int showPacks;

  @Option(
      names = "--embedding-model",
      paramLabel = "ID",
      defaultValue = "all-minilm-l6-v2-q",
      description =
          "Experiment: the local embedding model (all-minilm-l6-v2-q, the default;"
              + " all-minilm-l6-v2, bge-small-en-v1.5-q, e5-small-v2-q).")
  String embeddingModel;

  @Option(
      names = "--second-speaker-as-assistant",
      description =
          "Experiment: observe each session's second speaker as the assistant (role assistant)"
              + " rather than as a second user, to see what the assistant's weight costs when"
              + " questions are about what the assistant said.")
  boolean secondSpeakerAsAssistant;

  @Mixin ChatModelOption chatModel = new ChatModelOption();

  @Override
  public Integer call() throws IOException {
    PrintWriter w = spec.commandLine().getOut();
    if (conversations != null && conversations < 1) {
      throw new IllegalArgumentException(
          "--conversations must be at least 1; got " + conversations);
    }
    for (int b : budgets) {
      if (b <= 0 || b > 1_000_000) {
        throw new IllegalArgumentException("budgets must be within 1..1000000; got " + b);
      }
    }
    RecallFloor floorFile = floor == null ? null : RecallFloor.read(floor, "conversations", true);
    List<Locomo.Conversation> all = Locomo.read(dataset);
    List<Locomo.Conversation> convs =
        conversations == null ? all : all.subList(0, Math.min(conversations, all.size()));
    TokenCounter tokens = TokenCounters.cl100k();
    chatModel.resolve();
    LocalEmbedder embedder = LocalEmbedder.create(LocalModel.byId(embeddingModel));
    Instant latest =
        convs.stream()
            .flatMap(c -> c.sessions().stream())
            .map(Locomo.Session::start)
            .max(Comparator.naturalOrder())
            .orElseThrow();
    Instant evalNow = latest.plus(Duration.ofDays(1));

    Map<String, String> overrides =
        RecordOverrides.parseFor(settings, List.of(RetrievalPolicy.class, AssemblyPolicy.class));
    RetrievalPolicy retrieval = RecordOverrides.apply(RetrievalPolicy.defaults(), overrides);
    AssemblyPolicy assembly = RecordOverrides.apply(AssemblyPolicy.defaults(), overrides);

    Map<String, Scores> scores = new LinkedHashMap<>();
    SYSTEMS.forEach(s -> scores.put(s, new Scores(budgets)));
    int skipped = 0;
    long fullTokens = 0;
    long started = System.nanoTime();
    Path dir = Files.createTempDirectory("attune-locomo");
    long failedExtraction = 0;
    int totalQuestions = convs.stream().mapToInt(c -> c.questions().size()).sum();
    try (Attune attune =
            chatModel
                .apply(Attune.builder())
                .dataDir(dir)
                .embedder(embedder)
                .tokenCounter(tokens)
                .clock(() -> evalNow)
                .retrievalPolicy(retrieval)
                .priorities(Priorities.defaults().with(priorities))
                .assemblyPolicy(assembly)
                // The dataset's conversations are years old: kept whatever their age.
                .episodeRetention(Duration.ZERO)
                .build();
        ProgressBar bar =
            new ProgressBarBuilder()
                .setTaskName("locomo")
                .setStyle(ProgressBarStyle.ASCII)
                .setInitialMax(totalQuestions)
                .setUpdateIntervalMillis(1000)
                .build()) {
      for (Locomo.Conversation c : convs) {
        UserId user = UserId.of(c.sampleId());
        bar.setExtraMessage(c.sampleId() + " observing");
        for (Locomo.Session s : c.sessions()) {
          List<Message> messages = new ArrayList<>();
          for (int i = 0; i < s.turns().size(); i++) {
            Locomo.Turn t = s.turns().get(i);
            // Both speakers are people Attune remembers: each message is a user message, named
            // (unless the experiment observes the second speaker as the assistant).
            Role role =
                secondSpeakerAsAssistant && !t.speaker().equals(s.turns().get(0).speaker())
                    ? Role.ASSISTANT
                    : Role.USER;
            messages.add(
                new Message(role, t.content(), t.diaId(), s.start().plusSeconds(i), t.speaker()));
          }
          attune.observe(
              ObserveRequest.builder(TENANT, user)
                  .sessionId("session_" + s.number())
                  .messages(messages)
                  .build());
        }
        chatModel.extractAll(attune, TENANT, List.of(user));

        // Baselines index and pay for each turn as "speaker: text".
        List<RawTurns.Turn> turns =
            c.turns().stream()
                .map(t -> new RawTurns.Turn(t.diaId(), t.speaker() + ": " + t.content()))
                .toList();
        Map<String, Integer> turnTokens = new HashMap<>();
        List<String> texts = new ArrayList<>();
        for (RawTurns.Turn t : turns) {
          int n = tokens.count(t.text());
          turnTokens.put(t.id(), n);
          fullTokens += n;
          texts.add(t.text());
        }
        Map<String, float[]> vectors = new HashMap<>();
        List<float[]> embedded = embedder.embedAll(texts);
        for (int i = 0; i < turns.size(); i++) {
          vectors.put(turns.get(i).id(), embedded.get(i));
        }
        Map<String, RawTurns.Ranker> rankers = new LinkedHashMap<>();
        rankers.put("bm25", RawTurns.bm25(turns));
        rankers.put("dense", RawTurns.dense(turns, embedder, vectors));
        rankers.put("recency", RawTurns.recency(turns));

        bar.setExtraMessage(c.sampleId() + " asking");
        for (Locomo.Question q : c.questions()) {
          bar.step();
          if (q.evidence().isEmpty()) {
            skipped++;
            continue;
          }
          String category =
              Locomo.CATEGORIES.getOrDefault(q.category(), "category-" + q.category());
          boolean scored = q.category() != 5;
          // Attune: items ranked by score regardless of budget, then a real pack per budget.
          List<Ranked> attuneRanked = Packs.ranking(attune, TENANT, user, q.text(), RANK_DEPTH);
          List<List<Ranked>> attuneBudgeted = new ArrayList<>();
          int[] attuneTokens = new int[budgets.size()];
          for (int i = 0; i < budgets.size(); i++) {
            ContextPack pack =
                attune.context(
                    ContextRequest.builder(TENANT, user)
                        .query(q.text())
                        .maxTokens(budgets.get(i))
                        .limit(RANK_DEPTH)
                        .build());
            attuneBudgeted.add(pack.items().map(Packs::ranked).toList());
            attuneTokens[i] = pack.tokens();
            if (showPacks > 0
                && scored
                && i == budgets.size() - 1
                && Ranked.recall(q.evidence(), attuneBudgeted.get(i), true) < 1) {
              showPacks--;
              w.printf("%n[%s] Q: %s  evidence %s%n", category, q.text(), q.evidence());
              pack.blocks()
                  .forEach(
                      b ->
                          b.items()
                              .forEach(
                                  it ->
                                      w.printf(
                                          "  %-11s %4d tok %.3f %s%n",
                                          b.type().wireName(),
                                          it.tokens(),
                                          it.score(),
                                          it.sources().stream()
                                              .map(SourceRef::messageId)
                                              .toList())));
              w.println(pack.context());
              w.flush();
            }
          }
          record(
              scores.get("attune"),
              category,
              scored,
              q.evidence(),
              attuneRanked,
              attuneBudgeted,
              attuneTokens);
          if (explain > 0
              && scored
              && Ranked.recall(
                      q.evidence(),
                      attuneRanked.subList(0, Math.min(10, attuneRanked.size())),
                      true)
                  < 1) {
            explain--;
            Map<String, String> byId = new HashMap<>();
            turns.forEach(t -> byId.put(t.id(), t.text()));
            w.printf("%n[%s] Q: %s%n", category, q.text());
            q.evidence().forEach(e -> w.printf("   evidence %s: %s%n", e, byId.get(e)));
            List<ContextItem> top =
                attune
                    .context(
                        ContextRequest.builder(TENANT, user)
                            .query(q.text())
                            .maxTokens(1_000_000)
                            .limit(RANK_DEPTH)
                            .build())
                    .items()
                    .sorted(Comparator.comparingDouble(ContextItem::score).reversed())
                    .limit(10)
                    .toList();
            for (ContextItem it : top) {
              w.printf(
                  "   %.4f %-7s %s %s%n",
                  it.score(),
                  it.kind().wireName(),
                  it.sources().stream().map(SourceRef::messageId).toList(),
                  it.text().replace('\n', ' '));
            }
            w.flush();
          }

          Map<String, List<String>> rankings = new LinkedHashMap<>();
          rankers.forEach((name, r) -> rankings.put(name, r.rank(q.text(), RANK_DEPTH)));
          rankings.put(
              "hybrid_turns",
              RawTurns.rrf(rankings.get("bm25"), rankings.get("dense"), RANK_DEPTH));
          for (Map.Entry<String, List<String>> e : rankings.entrySet()) {
            List<Ranked> ranked =
                e.getValue().stream().map(id -> Ranked.turn(id, turnTokens.get(id))).toList();
            List<List<Ranked>> budgeted = new ArrayList<>();
            int[] used = new int[budgets.size()];
            for (int i = 0; i < budgets.size(); i++) {
              List<Ranked> taken = new ArrayList<>();
              int sum = 0;
              // A budget takes ranked turns until the first that does not fit.
              for (Ranked r : ranked) {
                if (sum + r.tokens() > budgets.get(i)) {
                  break;
                }
                sum += r.tokens();
                taken.add(r);
              }
              budgeted.add(taken);
              used[i] = sum;
            }
            record(scores.get(e.getKey()), category, scored, q.evidence(), ranked, budgeted, used);
          }
        }
      }
      failedExtraction = chatModel.failedMessages(attune, TENANT);
    } finally {
      TempDirs.delete(dir);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    double fullMean = (double) fullTokens / convs.size();

    Report report =
        new Report(
            budgets,
            scores,
            skipped,
            fullMean,
            convs.size(),
            seconds,
            configOf(retrieval, assembly, failedExtraction));
    Files.createDirectories(out);
    Files.writeString(out.resolve("results.json"), Json.writePretty(report.json()));
    Files.writeString(out.resolve("results.md"), report.markdown());
    report.plot(out.resolve("recall_vs_budget.png"));
    w.println();
    w.print(report.summary());
    w.printf(
        "wrote %s, %s and %s (%.0f s)%n",
        out.resolve("results.json"),
        out.resolve("results.md"),
        out.resolve("recall_vs_budget.png"),
        seconds);
    if (floor != null) {
      return report.checkFloor(floorFile, convs.size(), w) ? 0 : 1;
    }
    return 0;
  }

  private Map<String, Object> configOf(RetrievalPolicy r, AssemblyPolicy a, long failedExtraction) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("fusion", r.fusion().name().toLowerCase(java.util.Locale.ROOT));
    c.put("rrf_k", r.rrfK());
    c.put("lexical_weight", r.lexicalWeight());
    c.put("dense_weight", r.denseWeight());
    c.put("window_before", a.windowBefore());
    c.put("window_after", a.windowAfter());
    c.put("lexical_context", r.lexicalContext());
    c.put("dense_context", r.denseContext());
    c.put("neighbour_smoothing", r.neighbourSmoothing());
    c.put("neighbour_tokens", a.neighbourTokens());
    chatModel.describe(c, failedExtraction);
    c.put("overrides", settings);
    c.put("tokenizer", "cl100k_base");
    c.put("embedding_model", embeddingModel);
    return c;
  }

  private void record(
      Scores s,
      String category,
      boolean scored,
      List<String> evidence,
      List<Ranked> ranked,
      List<List<Ranked>> budgeted,
      int[] tokensUsed) {
    double[] strictK = new double[Scores.KS.length];
    double[] allK = new double[Scores.KS.length];
    for (int i = 0; i < Scores.KS.length; i++) {
      List<Ranked> top = ranked.subList(0, Math.min(Scores.KS[i], ranked.size()));
      strictK[i] = Ranked.recall(evidence, top, true);
      allK[i] = Ranked.recall(evidence, top, false);
    }
    double[] strictB = new double[budgets.size()];
    double[] allB = new double[budgets.size()];
    for (int i = 0; i < budgets.size(); i++) {
      strictB[i] = Ranked.recall(evidence, budgeted.get(i), true);
      allB[i] = Ranked.recall(evidence, budgeted.get(i), false);
    }
    s.add(category, scored, strictK, allK, strictB, allB, tokensUsed);
  }

  static String fmt(double v) {
    return String.format(java.util.Locale.ROOT, "%.3f", v);
  }

  static int[] ints(List<Integer> list) {
    return list.stream().mapToInt(Integer::intValue).toArray();
  }

  static String join(int[] values) {
    return Arrays.toString(values);
  }
}
