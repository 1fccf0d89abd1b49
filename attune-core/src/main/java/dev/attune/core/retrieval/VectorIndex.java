package dev.attune.core.retrieval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.util.VectorUtil;
import org.jspecify.annotations.Nullable;

/**
 * Dense vectors of one model: each document has one vector, or one per passage for a long message
 * (its score is then its best passage's), or none (it scores 0). Scoring is a dot product (Lucene's
 * {@link VectorUtil}, SIMD when the JVM allows it): vectors are L2-normalized, so it is cosine
 * similarity. Immutable; thread-safe.
 */
final class VectorIndex {
  private final float[][] vectors;
  // Document d's vectors are vectors[first[d]] .. vectors[first[d + 1] - 1].
  private final int[] first;
  private final int dims;

  private VectorIndex(float[][] vectors, int[] first, int dims) {
    this.vectors = vectors;
    this.first = first;
    this.dims = dims;
  }

  /**
   * One entry per document, in order: null for none, else {@code dims} floats, or a multiple of
   * {@code dims} for one vector per passage (any other length counts as none).
   */
  static VectorIndex build(List<float @Nullable []> rows, int dims) {
    int[] first = new int[rows.size() + 1];
    List<float[]> vectors = new ArrayList<>(rows.size());
    for (int d = 0; d < rows.size(); d++) {
      first[d] = vectors.size();
      float[] v = rows.get(d);
      if (v != null && dims > 0 && v.length % dims == 0) {
        for (int at = 0; at < v.length; at += dims) {
          vectors.add(v.length == dims ? v : Arrays.copyOfRange(v, at, at + dims));
        }
      }
    }
    first[rows.size()] = vectors.size();
    return new VectorIndex(vectors.toArray(new float[0][]), first, dims);
  }

  /**
   * Document {@code doc}'s vectors as {@link #build} took them: its one vector (the same array),
   * its passages' joined, or null for none.
   */
  float @Nullable [] row(int doc) {
    int from = first[doc];
    int to = first[doc + 1];
    if (from == to) {
      return null;
    }
    if (to - from == 1) {
      return vectors[from];
    }
    float[] joined = new float[(to - from) * dims];
    for (int i = from; i < to; i++) {
      System.arraycopy(vectors[i], 0, joined, (i - from) * dims, dims);
    }
    return joined;
  }

  boolean has(int doc) {
    return first[doc + 1] > first[doc];
  }

  /** How many vectors (passages) document {@code doc} has. */
  int passages(int doc) {
    return first[doc + 1] - first[doc];
  }

  /**
   * Cosine similarity of every document with {@code query} into {@code scores} (its best passage's;
   * 0 where it has no vector), and, where {@code bestPassage} is not null, which passage scored it.
   */
  void score(float[] query, float[] scores, int @Nullable [] bestPassage) {
    if (query.length != dims) {
      return;
    }
    for (int d = 0; d < scores.length; d++) {
      int from = first[d];
      int to = first[d + 1];
      if (from == to) {
        continue;
      }
      float best = VectorUtil.dotProduct(vectors[from], query);
      int arg = 0;
      for (int i = from + 1; i < to; i++) {
        float s = VectorUtil.dotProduct(vectors[i], query);
        if (s > best) {
          best = s;
          arg = i - from;
        }
      }
      scores[d] = best;
      if (bestPassage != null) {
        bestPassage[d] = arg;
      }
    }
  }

  long estimatedBytes() {
    long bytes = 16L * vectors.length + 4L * first.length + 32;
    for (float[] v : vectors) {
      bytes += 16 + 4L * v.length;
    }
    return bytes;
  }
}
