package dev.attune.core.retrieval;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An in-memory inverted index with Okapi BM25 scoring over pre-analyzed documents. Immutable after
 * {@link #build}; thread-safe for reads. One per working set, so statistics are per user.
 */
final class LexicalIndex {
  static final double K1 = 1.2;
  static final double B = 0.75;

  private final Map<String, Integer> termIds;
  private final int[][] postingDocs;
  private final int[][] postingFreqs;
  private final float[] lengthNorm;
  private final int docCount;

  private LexicalIndex(
      Map<String, Integer> termIds, int[][] postingDocs, int[][] postingFreqs, float[] lengthNorm) {
    this.termIds = termIds;
    this.postingDocs = postingDocs;
    this.postingFreqs = postingFreqs;
    this.lengthNorm = lengthNorm;
    this.docCount = lengthNorm.length;
  }

  static LexicalIndex build(List<List<String>> docs) {
    Map<String, Integer> termIds = new HashMap<>();
    int[] counts = new int[16];
    int[] lengths = new int[docs.size()];
    long totalLength = 0;
    // First pass: term ids and document frequencies.
    for (int d = 0; d < docs.size(); d++) {
      List<String> terms = docs.get(d);
      lengths[d] = terms.size();
      totalLength += terms.size();
      for (String term : new LinkedHashSet<>(terms)) {
        int id = termIds.computeIfAbsent(term, t -> termIds.size());
        if (id >= counts.length) {
          counts = Arrays.copyOf(counts, counts.length * 2);
        }
        counts[id]++;
      }
    }
    int termCount = termIds.size();
    int[][] postingDocs = new int[termCount][];
    int[][] postingFreqs = new int[termCount][];
    for (int t = 0; t < termCount; t++) {
      postingDocs[t] = new int[counts[t]];
      postingFreqs[t] = new int[counts[t]];
    }
    int[] fill = new int[termCount];
    Map<String, Integer> freqs = new HashMap<>();
    for (int d = 0; d < docs.size(); d++) {
      freqs.clear();
      for (String term : docs.get(d)) {
        freqs.merge(term, 1, Integer::sum);
      }
      for (Map.Entry<String, Integer> e : freqs.entrySet()) {
        int t = termIds.get(e.getKey());
        postingDocs[t][fill[t]] = d;
        postingFreqs[t][fill[t]] = e.getValue();
        fill[t]++;
      }
    }
    double avg = docs.isEmpty() ? 1 : Math.max(1.0, (double) totalLength / docs.size());
    float[] lengthNorm = new float[docs.size()];
    for (int d = 0; d < docs.size(); d++) {
      lengthNorm[d] = (float) (K1 * (1 - B + B * lengths[d] / avg));
    }
    return new LexicalIndex(termIds, postingDocs, postingFreqs, lengthNorm);
  }

  int size() {
    return docCount;
  }

  /**
   * Writes each document's calibrated lexical relevance into {@code scores}: its BM25 score divided
   * by what a document holding every distinct query term once, at average length, would score, and
   * capped at 1. Unlike a score divided by the best hit's, it means the same from query to query: a
   * document that matches only a common word of a long query stays low however good the rest are. A
   * query term the index has never seen counts with the highest idf, so a query about something the
   * user never mentioned matches little.
   */
  void score(List<String> queryTerms, float[] scores) {
    double maxIdf = Math.log(1 + (docCount + 0.5) / 0.5);
    double whole = 0;
    Set<String> distinct = new LinkedHashSet<>(queryTerms);
    for (String term : distinct) {
      Integer id = termIds.get(term);
      whole += id == null ? maxIdf : idf(postingDocs[id].length);
    }
    if (whole <= 0) {
      return;
    }
    for (String term : distinct) {
      Integer id = termIds.get(term);
      if (id == null) {
        continue;
      }
      int[] docs = postingDocs[id];
      int[] freqs = postingFreqs[id];
      double idf = idf(docs.length);
      for (int i = 0; i < docs.length; i++) {
        int tf = freqs[i];
        scores[docs[i]] += (float) (idf * tf * (K1 + 1) / (tf + lengthNorm[docs[i]]) / whole);
      }
    }
    for (int d = 0; d < scores.length; d++) {
      scores[d] = Math.min(1f, scores[d]);
    }
  }

  private double idf(int docFreq) {
    return Math.log(1 + (docCount - docFreq + 0.5) / (docFreq + 0.5));
  }

  /** Rough heap footprint, for the working-set cache's weigher. */
  long estimatedBytes() {
    long bytes = 64L * termIds.size() + 8L * docCount;
    for (int[] posting : postingDocs) {
      bytes += 8L * posting.length + 32;
    }
    return bytes;
  }
}
