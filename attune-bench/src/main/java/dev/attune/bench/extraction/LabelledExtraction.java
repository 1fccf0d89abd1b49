package dev.attune.bench.extraction;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.bench.JsonFiles;
import dev.attune.core.model.Memory;
import dev.attune.core.model.SourceRef;
import dev.attune.core.port.Embedder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.util.VectorUtil;

/**
 * Precision and recall of the extractor against Attune's labelled set ({@code
 * eval/extraction-labels.json}): for each labelled user turn, the facts a careful reader would keep
 * (often none).
 *
 * <ul>
 *   <li>a memory that cites a labelled turn is <b>right</b> when it matches one of that turn's
 *       facts (cosine at least {@value #MATCH} with the local model), and <b>junk</b> otherwise;
 *   <li>a fact is <b>found</b> when a memory that cites its turn matches it.
 * </ul>
 */
final class LabelledExtraction {
  static final double MATCH = 0.6;
  private static final Pattern USER_WORD = Pattern.compile("\\bUser\\b");

  private final JsonNode labels;
  private final Embedder embedder;
  private final Map<String, Tally> bySource = new LinkedHashMap<>();
  private final List<String> junk = new ArrayList<>();
  private final List<String> missed = new ArrayList<>();

  private LabelledExtraction(JsonNode labels, Embedder embedder) {
    this.labels = labels;
    this.embedder = embedder;
  }

  static LabelledExtraction read(Path file, Embedder embedder) throws IOException {
    return new LabelledExtraction(JsonFiles.read("--labels", file), embedder);
  }

  /** Counts for one source of turns, or all. */
  static final class Tally {
    int turns;
    int facts;
    int factsFound;
    int memories;
    int memoriesRight;

    void add(Tally t) {
      turns += t.turns;
      facts += t.facts;
      factsFound += t.factsFound;
      memories += t.memories;
      memoriesRight += t.memoriesRight;
    }

    double precision() {
      return memories == 0 ? 1 : (double) memoriesRight / memories;
    }

    double recall() {
      return facts == 0 ? 1 : (double) factsFound / facts;
    }

    Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("turns", turns);
      m.put("facts", facts);
      m.put("facts_found", factsFound);
      m.put("recall", round(recall()));
      m.put("memories", memories);
      m.put("memories_right", memoriesRight);
      m.put("precision", round(precision()));
      m.put("junk_share", round(1 - precision()));
      return m;
    }
  }

  /** The labelled LoCoMo turns of {@code conversation}, by id; empty when it is not labelled. */
  Map<String, List<String>> locomo(String conversation) {
    return facts(labels.path("locomo").path(conversation));
  }

  /** Which session of each LoCoMo conversation is labelled. */
  int locomoSession() {
    return labels.path("locomo_session").asInt();
  }

  /** The prefeval topics with labelled preferences. */
  List<String> preferenceTopics() {
    List<String> out = new ArrayList<>();
    labels.path("prefeval_preferences").fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** The labels of the preferences of a prefeval topic, by item index. */
  Map<String, List<String>> preferences(String topic) {
    return facts(labels.path("prefeval_preferences").path(topic));
  }

  /** The labels of filler user turns, by "conversation:message" index. */
  Map<String, List<String>> fillers() {
    return facts(labels.path("prefeval_fillers"));
  }

  private static Map<String, List<String>> facts(JsonNode node) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    node.fields()
        .forEachRemaining(
            e -> {
              List<String> facts = new ArrayList<>();
              e.getValue().forEach(f -> facts.add(f.asText()));
              out.put(e.getKey(), facts);
            });
    return out;
  }

  /**
   * Scores one user's memories against the labelled turns of that user.
   *
   * @param source which part of the set the turns belong to (a row of the report)
   * @param turns the labelled turns, by message id, with their facts
   * @param memories every memory extracted for the user
   * @param subject the name a memory's "User" stands for (the labels name the speaker), or null
   */
  void score(
      String source,
      Map<String, List<String>> turns,
      List<Memory> memories,
      @org.jspecify.annotations.Nullable String subject) {
    Tally t = bySource.computeIfAbsent(source, s -> new Tally());
    t.turns += turns.size();
    List<String> factTexts = new ArrayList<>();
    turns.values().forEach(factTexts::addAll);
    t.facts += factTexts.size();
    List<Memory> labelled =
        memories.stream()
            .filter(
                m ->
                    m.provenance().sources().stream()
                        .anyMatch(s -> turns.containsKey(s.messageId())))
            .toList();
    t.memories += labelled.size();
    if (labelled.isEmpty()) {
      turns.forEach((id, facts) -> facts.forEach(f -> miss(source, id, f)));
      return;
    }
    List<float[]> factVectors = embedder.embedAll(factTexts);
    Map<String, float[]> vectorOf = new HashMap<>();
    for (int i = 0; i < factTexts.size(); i++) {
      vectorOf.put(factTexts.get(i), factVectors.get(i));
    }
    List<String> named =
        labelled.stream()
            .map(
                m ->
                    subject == null
                        ? m.text()
                        : USER_WORD.matcher(m.text()).replaceAll(Matcher.quoteReplacement(subject)))
            .toList();
    List<float[]> memoryVectors = embedder.embedAll(named);
    Map<String, Boolean> found = new HashMap<>();
    for (int i = 0; i < labelled.size(); i++) {
      Memory m = labelled.get(i);
      boolean right = false;
      for (SourceRef s : m.provenance().sources()) {
        for (String fact : turns.getOrDefault(s.messageId(), List.of())) {
          if (VectorUtil.cosine(memoryVectors.get(i), vectorOf.get(fact)) >= MATCH) {
            right = true;
            found.put(s.messageId() + "\n" + fact, true);
          }
        }
      }
      if (right) {
        t.memoriesRight++;
      } else if (junk.size() < 500) {
        junk.add(
            "  "
                + source
                + " "
                + m.provenance().sources().stream().map(SourceRef::messageId).toList()
                + " "
                + m.text());
      }
    }
    turns.forEach(
        (id, facts) -> {
          for (String f : facts) {
            if (found.containsKey(id + "\n" + f)) {
              t.factsFound++;
            } else {
              miss(source, id, f);
            }
          }
        });
  }

  private void miss(String source, String turn, String fact) {
    if (missed.size() < 500) {
      missed.add("  " + source + " " + turn + " " + fact);
    }
  }

  Tally overall() {
    Tally all = new Tally();
    bySource.values().forEach(all::add);
    return all;
  }

  Map<String, Object> json() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("match_cosine", MATCH);
    out.put("overall", overall().json());
    Map<String, Object> per = new LinkedHashMap<>();
    bySource.forEach((s, t) -> per.put(s, t.json()));
    out.put("by_source", per);
    return out;
  }

  String markdown() {
    StringBuilder b =
        new StringBuilder(
            "| labelled turns | turns | facts | found | recall | memories | right | precision |"
                + " junk |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    bySource.forEach((s, t) -> row(b, s, t));
    row(b, "**overall**", overall());
    return b.toString();
  }

  private static void row(StringBuilder b, String name, Tally t) {
    b.append(
        String.format(
            Locale.ROOT,
            "| %s | %d | %d | %d | %.3f | %d | %d | %.3f | %.3f |%n",
            name,
            t.turns,
            t.facts,
            t.factsFound,
            t.recall(),
            t.memories,
            t.memoriesRight,
            t.precision(),
            1 - t.precision()));
  }

  List<String> junk() {
    return junk;
  }

  List<String> missed() {
    return missed;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
