package dev.attune.bench.extraction;

import dev.attune.api.Json;
import dev.attune.bench.TempDirs;
import dev.attune.bench.locomo.Locomo;
import dev.attune.bench.prefeval.PrefEvalData;
import dev.attune.core.Attune;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryStatus;
import dev.attune.core.model.Message;
import dev.attune.core.model.Origin;
import dev.attune.core.model.Role;
import dev.attune.core.model.SourceRef;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.MemoryQuery;
import dev.attune.models.LocalEmbedder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.lucene.util.VectorUtil;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./attune eval extraction}: what the offline extractor learns from LoCoMo, against the
 * facts the dataset's authors generated per turn ({@code observation}).
 *
 * <p>Each speaker of each conversation is one user, observed through the public Java API: their own
 * turns are user messages, the other speaker's are the other side of the conversation. Then:
 *
 * <ul>
 *   <li><b>coverage</b>: of the turns that have an observation about a speaker, the share from
 *       which Attune made at least one memory of that speaker (the turn is among the memory's
 *       sources);
 *   <li><b>agreement</b>: of Attune's memories, the share whose best match among the observations
 *       about that speaker at the memory's source turns has cosine at least {@value #AGREE} with
 *       the local embedding model. A memory's "User" is read as the speaker's name first, since the
 *       observations name their subject.
 * </ul>
 */
@Command(
    name = "extraction",
    mixinStandardHelpOptions = true,
    description = {
      "Compare the offline extractor's memories with LoCoMo's per-turn observations:"
          + " coverage and agreement, per conversation and overall.",
      "The dataset is not shipped (CC BY-NC); pass its path."
    })
public final class ExtractionEval implements Callable<Integer> {
  static final double AGREE = 0.6;
  private static final TenantId TENANT = TenantId.of("locomo-extraction");
  private static final Pattern USER_WORD = Pattern.compile("\\bUser\\b");

  @Spec CommandSpec spec;

  @Option(names = "--dataset", required = true, paramLabel = "PATH", description = "locomo10.json.")
  Path dataset;

  @Option(
      names = "--conversations",
      paramLabel = "N",
      description = "Only the first N conversations (default all).")
  Integer conversations;

  @Option(
      names = "--out",
      defaultValue = "eval-results/extraction",
      description = "Output directory (default eval-results/extraction).")
  Path out;

  @Option(
      names = "--examples",
      paramLabel = "N",
      defaultValue = "0",
      description = "Print N memories with their best-matching observation, for reading.")
  int examples;

  @Option(
      names = "--labels",
      paramLabel = "FILE",
      description =
          "Also score precision and recall against a labelled set (eval/extraction-labels.json).")
  Path labels;

  @Option(
      names = "--prefeval",
      paramLabel = "DIR",
      description = "The prefeval-dev folder, for the labelled turns taken from it.")
  Path prefeval;

  @Option(
      names = "--misses",
      paramLabel = "N",
      defaultValue = "0",
      description = "Print N turns with an observation from which no memory came, for reading.")
  int misses;

  /** Counts for one conversation, or all. */
  static final class Tally {
    int observedTurns;
    int coveredTurns;
    int memories;
    int agreeing;
    int memoriesWithoutObservation;

    void add(Tally t) {
      observedTurns += t.observedTurns;
      coveredTurns += t.coveredTurns;
      memories += t.memories;
      agreeing += t.agreeing;
      memoriesWithoutObservation += t.memoriesWithoutObservation;
    }

    double coverage() {
      return observedTurns == 0 ? 0 : (double) coveredTurns / observedTurns;
    }

    double agreement() {
      return memories == 0 ? 0 : (double) agreeing / memories;
    }

    Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("turns_with_observation", observedTurns);
      m.put("turns_covered", coveredTurns);
      m.put("coverage", round(coverage()));
      m.put("memories", memories);
      m.put("memories_agreeing", agreeing);
      m.put("agreement", round(agreement()));
      m.put("memories_without_observation_at_their_turns", memoriesWithoutObservation);
      return m;
    }
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter w = spec.commandLine().getOut();
    if (conversations != null && conversations < 1) {
      throw new IllegalArgumentException("--conversations must be at least 1");
    }
    List<Locomo.Conversation> all = Locomo.read(dataset);
    List<Locomo.Conversation> convs =
        conversations == null ? all : all.subList(0, Math.min(conversations, all.size()));
    LocalEmbedder embedder = LocalEmbedder.create();
    Instant evalNow =
        convs.stream()
            .flatMap(c -> c.sessions().stream())
            .map(Locomo.Session::start)
            .max(Comparator.naturalOrder())
            .orElseThrow()
            .plus(Duration.ofDays(1));
    long started = System.nanoTime();
    LabelledExtraction labelled = labels == null ? null : LabelledExtraction.read(labels, embedder);
    int labelSession = labelled == null ? 0 : labelled.locomoSession();
    Map<String, Tally> byConversation = new LinkedHashMap<>();
    Tally overall = new Tally();
    List<String> shown = new ArrayList<>();
    List<String> missed = new ArrayList<>();
    Path dir = Files.createTempDirectory("attune-extraction");
    try (Attune attune =
            Attune.builder()
                .dataDir(dir)
                .embedder(embedder)
                .clock(() -> evalNow)
                .episodeRetention(Duration.ZERO) // the dataset is years old
                .build();
        ProgressBar bar =
            new ProgressBarBuilder()
                .setTaskName("extraction")
                .setStyle(ProgressBarStyle.ASCII)
                .setInitialMax(2L * convs.size())
                .setUpdateIntervalMillis(1000)
                .build()) {
      for (Locomo.Conversation c : convs) {
        Tally tally = new Tally();
        for (String speaker : List.of(c.speakerA(), c.speakerB())) {
          bar.setExtraMessage(c.sampleId() + " " + speaker);
          UserId user = UserId.of(c.sampleId() + "-" + speaker.toLowerCase(Locale.ROOT));
          for (Locomo.Session s : c.sessions()) {
            List<Message> messages = new ArrayList<>();
            for (int i = 0; i < s.turns().size(); i++) {
              Locomo.Turn t = s.turns().get(i);
              messages.add(
                  new Message(
                      t.speaker().equals(speaker) ? Role.USER : Role.ASSISTANT,
                      t.content(),
                      t.diaId(),
                      s.start().plusSeconds(i),
                      t.speaker()));
            }
            attune.observe(
                ObserveRequest.builder(TENANT, user)
                    .sessionId("session_" + s.number())
                    .messages(messages)
                    .build());
          }
          List<Memory> memories = memoriesOf(attune, user);
          score(c, speaker, memories, embedder, tally, shown, missed);
          if (labelled != null) {
            Map<String, List<String>> turns = new LinkedHashMap<>();
            Map<String, List<String>> labelledTurns = labelled.locomo(c.sampleId());
            c.turns().stream()
                .filter(t -> t.speaker().equals(speaker) && labelledTurns.containsKey(t.diaId()))
                .forEach(t -> turns.put(t.diaId(), labelledTurns.get(t.diaId())));
            labelled.score("LoCoMo session " + labelSession, turns, memories, speaker);
          }
          bar.step();
        }
        byConversation.put(c.sampleId(), tally);
        overall.add(tally);
      }
      if (labelled != null) {
        bar.setExtraMessage("prefeval-dev");
        scorePrefEval(attune, labelled);
      }
    } finally {
      TempDirs.delete(dir);
    }
    double seconds = (System.nanoTime() - started) / 1e9;

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("dataset", dataset.getFileName().toString());
    json.put("conversations", convs.size());
    json.put("extractor", "heuristic (offline)");
    json.put("embedding_model", LocalEmbedder.MODEL_ID);
    json.put("agreement_cosine", AGREE);
    json.put("overall", overall.json());
    Map<String, Object> per = new LinkedHashMap<>();
    byConversation.forEach((id, t) -> per.put(id, t.json()));
    json.put("by_conversation", per);
    String md = markdown(byConversation, overall);
    if (labelled != null) {
      json.put("labelled", labelled.json());
      md += "\nAgainst the labelled set (" + labels + "):\n\n" + labelled.markdown();
    }
    json.put("seconds", Math.round(seconds));
    Files.createDirectories(out);
    Files.writeString(out.resolve("results.json"), Json.writePretty(json));
    Files.writeString(out.resolve("results.md"), md);
    w.println();
    w.print(md);
    for (int i = 0; i < Math.min(examples, shown.size()); i++) {
      w.println(shown.get(i));
    }
    for (int i = 0; i < Math.min(misses, missed.size()); i++) {
      w.println(missed.get(i));
    }
    if (labelled != null) {
      if (examples > 0) {
        w.println("junk (memories matching no labelled fact of their turns):");
        labelled.junk().stream().limit(examples).forEach(w::println);
      }
      if (misses > 0) {
        w.println("labelled facts no memory found:");
        labelled.missed().stream().limit(misses).forEach(w::println);
      }
    }
    w.printf(
        "wrote %s and %s (%.0f s)%n",
        out.resolve("results.json"), out.resolve("results.md"), seconds);
    return 0;
  }

  /**
   * The labelled prefeval-dev turns: each labelled preference observed by a user of its own (the
   * protocol's "Thanks, noted." after it), and each filler conversation with labelled turns by a
   * user of its own, its first messages as the protocol observes them.
   */
  private void scorePrefEval(Attune attune, LabelledExtraction labelled) throws IOException {
    Map<String, List<String>> fillerLabels = labelled.fillers();
    List<String> topics = labelled.preferenceTopics();
    if (topics.isEmpty() && fillerLabels.isEmpty()) {
      return;
    }
    if (prefeval == null) {
      throw new IllegalArgumentException(
          "--prefeval: the labels include prefeval-dev turns; pass the prefeval-dev folder");
    }
    PrefEvalData.Dataset data =
        PrefEvalData.read(prefeval, prefeval.resolve("filtered_inter_turns.json"));
    Map<String, PrefEvalData.Topic> byName = new HashMap<>();
    data.topics().forEach(t -> byName.put(t.name(), t));
    for (String topic : topics) {
      PrefEvalData.Topic t = byName.get(topic);
      if (t == null) {
        throw new IllegalArgumentException("--labels: no topic '" + topic + "' in " + prefeval);
      }
      for (Map.Entry<String, List<String>> e : labelled.preferences(topic).entrySet()) {
        String preference = t.items().get(Integer.parseInt(e.getKey())).preference();
        UserId user = UserId.of("pref-" + topic + "-" + e.getKey());
        attune.observe(
            ObserveRequest.builder(TENANT, user)
                .sessionId("s")
                .messages(
                    List.of(
                        new Message(Role.USER, preference, "pref", null, null),
                        new Message(Role.ASSISTANT, "Thanks, noted.", "ack", null, null)))
                .build());
        labelled.score(
            "prefeval-dev preferences",
            Map.of("pref", e.getValue()),
            memoriesOf(attune, user),
            null);
      }
    }
    Map<Integer, Map<String, List<String>>> byConversation = new LinkedHashMap<>();
    fillerLabels.forEach(
        (ref, facts) ->
            byConversation
                .computeIfAbsent(
                    Integer.parseInt(ref.substring(0, ref.indexOf(':'))),
                    k -> new LinkedHashMap<>())
                .put(ref, facts));
    for (Map.Entry<Integer, Map<String, List<String>>> e : byConversation.entrySet()) {
      int ci = e.getKey();
      List<PrefEvalData.Msg> observed = PrefEvalData.asObserved(data.fillers().get(ci));
      List<Message> messages = new ArrayList<>();
      for (int mi = 0; mi < observed.size(); mi++) {
        PrefEvalData.Msg m = observed.get(mi);
        String content = m.content().isBlank() ? "(empty message)" : m.content();
        messages.add(new Message(m.role(), content, ci + ":" + mi, null, null));
      }
      UserId user = UserId.of("filler-" + ci);
      attune.observe(
          ObserveRequest.builder(TENANT, user).sessionId("s").messages(messages).build());
      labelled.score("prefeval-dev fillers", e.getValue(), memoriesOf(attune, user), null);
    }
  }

  /** What Attune learned about the user: every extracted memory, replaced ones included. */
  private static List<Memory> memoriesOf(Attune attune, UserId user) {
    return attune.memories(TENANT, user, MemoryQuery.all()).stream()
        .filter(m -> m.status() != MemoryStatus.DELETED)
        .filter(m -> m.provenance().origin() == Origin.OBSERVED)
        .toList();
  }

  private static void score(
      Locomo.Conversation c,
      String speaker,
      List<Memory> memories,
      LocalEmbedder embedder,
      Tally tally,
      List<String> shown,
      List<String> missed) {
    // The speaker's observations by evidence turn.
    Map<String, List<String>> observationsAt = new HashMap<>();
    Set<String> observationTexts = new LinkedHashSet<>();
    for (Locomo.Observation o : c.observations()) {
      if (o.speaker().equals(speaker)) {
        o.evidence()
            .forEach(t -> observationsAt.computeIfAbsent(t, k -> new ArrayList<>()).add(o.text()));
        observationTexts.add(o.text());
      }
    }
    // Coverage: turns with an observation about the speaker that some memory came from.
    Set<String> memoryTurns = new LinkedHashSet<>();
    memories.forEach(m -> m.provenance().sources().forEach(s -> memoryTurns.add(s.messageId())));
    tally.observedTurns += observationsAt.size();
    tally.coveredTurns +=
        (int) observationsAt.keySet().stream().filter(memoryTurns::contains).count();
    Map<String, String> turnText = new HashMap<>();
    c.turns().forEach(t -> turnText.put(t.diaId(), t.speaker() + ": " + t.content()));
    observationsAt.forEach(
        (turn, facts) -> {
          if (!memoryTurns.contains(turn) && missed.size() < 500) {
            missed.add("  " + turn + " " + turnText.get(turn) + "\n      -> " + facts.get(0));
          }
        });

    // Agreement: each memory against the observations at its source turns.
    List<String> texts = new ArrayList<>(observationTexts);
    Map<String, float[]> vectorOf = new HashMap<>();
    List<float[]> vectors = embedder.embedAll(texts);
    for (int i = 0; i < texts.size(); i++) {
      vectorOf.put(texts.get(i), vectors.get(i));
    }
    List<String> named =
        memories.stream()
            .map(m -> USER_WORD.matcher(m.text()).replaceAll(Matcher.quoteReplacement(speaker)))
            .toList();
    List<float[]> memoryVectors = embedder.embedAll(named);
    for (int i = 0; i < memories.size(); i++) {
      Memory m = memories.get(i);
      tally.memories++;
      double best = -1;
      String bestText = null;
      for (SourceRef s : m.provenance().sources()) {
        for (String o : observationsAt.getOrDefault(s.messageId(), List.of())) {
          double cos = VectorUtil.cosine(memoryVectors.get(i), vectorOf.get(o));
          if (cos > best) {
            best = cos;
            bestText = o;
          }
        }
      }
      if (bestText == null) {
        tally.memoriesWithoutObservation++;
      } else if (best >= AGREE) {
        tally.agreeing++;
      }
      if (shown.size() < 200) {
        shown.add(
            String.format(
                Locale.ROOT,
                "  %s %-40s | %s",
                bestText == null ? "  -  " : String.format(Locale.ROOT, "%.2f", best),
                m.text(),
                bestText == null ? "(no observation at its turns)" : bestText));
      }
    }
  }

  static String markdown(Map<String, Tally> byConversation, Tally overall) {
    StringBuilder b = new StringBuilder();
    b.append("| conversation | turns with an observation | covered | coverage | memories |")
        .append(" agreeing (cos >= ")
        .append(AGREE)
        .append(") | agreement | memories with no observation at their turns |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    byConversation.forEach((id, t) -> row(b, id, t));
    row(b, "**overall**", overall);
    return b.toString();
  }

  private static void row(StringBuilder b, String name, Tally t) {
    b.append(
        String.format(
            Locale.ROOT,
            "| %s | %d | %d | %.3f | %d | %d | %.3f | %d |%n",
            name,
            t.observedTurns,
            t.coveredTurns,
            t.coverage(),
            t.memories,
            t.agreeing,
            t.agreement(),
            t.memoriesWithoutObservation));
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
