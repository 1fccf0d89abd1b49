package dev.attune.core.learning;

import dev.attune.core.model.Embedding;
import dev.attune.core.port.Embedder;
import dev.attune.core.retrieval.TextAnalyzer;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.lucene.util.VectorUtil;
import org.jspecify.annotations.Nullable;

/**
 * Did a reply use what was injected? Each item is compared with the reply's sentences two ways: by
 * meaning (the best cosine between the item and a sentence, with the engine's embedding model) and
 * by words (the share of the item's content words, stemmed, that the reply contains). A reply uses
 * an item when the weighted sum passes a threshold calibrated on a labelled set ({@code
 * eval/utilization-labels.json}; {@code ./attune eval utilization} reports precision and recall).
 * Meaning catches "a meat-free curry" for "is vegetarian"; words catch names and numbers that
 * embeddings blur. Thread-safe.
 */
public final class UtilizationMatcher {
  /** The weight of meaning in the score; words get the rest. */
  public static final double DEFAULT_SEMANTIC_WEIGHT = 0.6;

  /** Calibrated on the even cases of the labelled set (see docs/benchmarks.md). */
  public static final double DEFAULT_THRESHOLD = 0.25;

  /** Sentences of a reply compared at most: long replies are cut, not refused. */
  static final int MAX_SENTENCES = 64;

  private final Embedder embedder;
  private final TextAnalyzer analyzer = TextAnalyzer.english();
  private final double semanticWeight;
  private final double threshold;

  public UtilizationMatcher(Embedder embedder) {
    this(embedder, DEFAULT_SEMANTIC_WEIGHT, DEFAULT_THRESHOLD);
  }

  public UtilizationMatcher(Embedder embedder, double semanticWeight, double threshold) {
    this.embedder = embedder;
    this.semanticWeight = semanticWeight;
    this.threshold = threshold;
  }

  /**
   * An injected item: its id, its text as stored and, when the store holds one, the embedding of
   * that text (used when it is of this matcher's model, so the text is not embedded again).
   */
  public record Item(String id, String text, @Nullable Embedding embedding) {
    public Item(String id, String text) {
      this(id, text, null);
    }
  }

  /**
   * How one item compares with the reply.
   *
   * @param semantic the best cosine between the item and one of the reply's sentences
   * @param lexical the share of the item's content words the reply contains
   * @param score their weighted sum
   */
  public record Match(String id, double semantic, double lexical, double score, boolean used) {}

  /** Each item's match with {@code reply}, in the items' order. */
  public List<Match> match(List<Item> items, String reply) {
    if (items.isEmpty()) {
      return List.of();
    }
    List<String> sentences = sentences(reply);
    // Only what has no vector yet is embedded: a served pack's facts carry theirs from the store,
    // and embedding them again was most of the learning an exchange cost (tens of texts a reply).
    List<String> texts = new ArrayList<>(items.size() + sentences.size());
    List<float @Nullable []> known = new ArrayList<>(items.size());
    for (Item item : items) {
      float[] v = vectorOf(item.embedding());
      known.add(v);
      if (v == null) {
        texts.add(item.text());
      }
    }
    texts.addAll(sentences);
    List<float[]> made = embedder.embedAll(texts);
    List<float[]> vectors = new ArrayList<>(items.size() + sentences.size());
    int next = 0;
    for (float[] v : known) {
      vectors.add(v != null ? v : made.get(next++));
    }
    vectors.addAll(made.subList(next, made.size()));
    Set<String> replyTerms = new HashSet<>(analyzer.terms(reply));
    List<Match> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      double semantic = 0;
      for (int s = 0; s < sentences.size(); s++) {
        semantic =
            Math.max(
                semantic, VectorUtil.dotProduct(vectors.get(i), vectors.get(items.size() + s)));
      }
      double lexical = lexical(items.get(i).text(), replyTerms);
      double score = semanticWeight * semantic + (1 - semanticWeight) * lexical;
      out.add(new Match(items.get(i).id(), semantic, lexical, score, score >= threshold));
    }
    return out;
  }

  private float @Nullable [] vectorOf(@Nullable Embedding e) {
    return e != null && e.model().equals(embedder.modelId()) && e.vector().length > 0
        ? e.vector()
        : null;
  }

  /** The share of the item's distinct content words found in the reply. */
  private double lexical(String item, Set<String> replyTerms) {
    Set<String> terms = new HashSet<>(analyzer.terms(item));
    // "user" opens most stored facts ("User is vegetarian"): the reply never needs to say it.
    terms.remove("user");
    if (terms.isEmpty()) {
      return 0;
    }
    long found = terms.stream().filter(replyTerms::contains).count();
    return (double) found / terms.size();
  }

  /** The reply's sentences, by the JDK's sentence rules. */
  static List<String> sentences(String reply) {
    BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
    it.setText(reply);
    List<String> out = new ArrayList<>();
    int start = it.first();
    for (int end = it.next();
        end != BreakIterator.DONE && out.size() < MAX_SENTENCES;
        start = end, end = it.next()) {
      String s = reply.substring(start, end).strip();
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    if (out.isEmpty()) {
      out.add(reply.strip());
    }
    return out;
  }
}
