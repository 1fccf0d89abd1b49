package dev.attune.core.retrieval;

import java.util.Arrays;

/**
 * The k best (score, doc) pairs of a stream, kept in a primitive min-heap: no boxing, O(n log k).
 * Ties rank the lower doc number first. Not thread-safe; one per search.
 */
final class TopK {
  private final int k;
  private final double[] scores;
  private final int[] docs;
  private int size;

  TopK(int k) {
    this.k = Math.max(0, k);
    this.scores = new double[this.k];
    this.docs = new int[this.k];
  }

  /** Offers a pair; kept if it beats the current k-th best. */
  void offer(double score, int doc) {
    if (k == 0) {
      return;
    }
    if (size < k) {
      scores[size] = score;
      docs[size] = doc;
      siftUp(size++);
    } else if (better(score, doc, scores[0], docs[0])) {
      scores[0] = score;
      docs[0] = doc;
      siftDown(0);
    }
  }

  int size() {
    return size;
  }

  /** The kept docs, best first. Consumes the heap. */
  int[] docsBestFirst() {
    int n = size;
    int[] out = new int[n];
    for (int i = n - 1; i >= 0; i--) {
      out[i] = docs[0];
      size--;
      scores[0] = scores[size];
      docs[0] = docs[size];
      siftDown(0);
    }
    return out;
  }

  /** The score of each doc returned by {@link #docsBestFirst()}, same order. */
  static double[] scoresOf(int[] docs, double[] byDoc) {
    double[] out = new double[docs.length];
    for (int i = 0; i < docs.length; i++) {
      out[i] = byDoc[docs[i]];
    }
    return out;
  }

  private static boolean better(double s1, int d1, double s2, int d2) {
    return s1 > s2 || (s1 == s2 && d1 < d2);
  }

  private void siftUp(int i) {
    while (i > 0) {
      int parent = (i - 1) / 2;
      if (better(scores[parent], docs[parent], scores[i], docs[i])) {
        swap(i, parent);
        i = parent;
      } else {
        return;
      }
    }
  }

  private void siftDown(int i) {
    while (true) {
      int l = 2 * i + 1;
      int r = l + 1;
      int worst = i;
      if (l < size && better(scores[worst], docs[worst], scores[l], docs[l])) {
        worst = l;
      }
      if (r < size && better(scores[worst], docs[worst], scores[r], docs[r])) {
        worst = r;
      }
      if (worst == i) {
        return;
      }
      swap(i, worst);
      i = worst;
    }
  }

  private void swap(int a, int b) {
    double s = scores[a];
    scores[a] = scores[b];
    scores[b] = s;
    int d = docs[a];
    docs[a] = docs[b];
    docs[b] = d;
  }

  @Override
  public String toString() {
    return "TopK" + Arrays.toString(Arrays.copyOf(docs, size));
  }
}
