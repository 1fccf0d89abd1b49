package dev.attune.core.retrieval;

import java.util.List;
import org.apache.lucene.util.VectorUtil;
import org.jspecify.annotations.Nullable;

/**
 * Dense vectors of one model, one row per document (rows without a vector score 0). Scoring is a
 * dot product (Lucene's {@link VectorUtil}, SIMD when the JVM allows it): vectors are
 * L2-normalized, so it is cosine similarity. Immutable; thread-safe.
 */
final class VectorIndex {
  private final float @Nullable [][] rows;
  private final int dims;

  private VectorIndex(float @Nullable [][] rows, int dims) {
    this.rows = rows;
    this.dims = dims;
  }

  /** Rows in order; a null row, or one of another length, has no vector. */
  static VectorIndex build(List<float @Nullable []> vectors, int dims) {
    float[][] rows = new float[vectors.size()][];
    for (int r = 0; r < rows.length; r++) {
      float[] v = vectors.get(r);
      rows[r] = v != null && v.length == dims && dims > 0 ? v : null;
    }
    return new VectorIndex(rows, dims);
  }

  boolean has(int row) {
    return rows[row] != null;
  }

  /** Cosine similarity of every row with {@code query} into {@code scores}; 0 where absent. */
  void score(float[] query, float[] scores) {
    if (query.length != dims) {
      return;
    }
    for (int r = 0; r < rows.length; r++) {
      float[] v = rows[r];
      if (v != null) {
        scores[r] = VectorUtil.dotProduct(v, query);
      }
    }
  }

  long estimatedBytes() {
    long bytes = 16L * rows.length + 32;
    for (float[] v : rows) {
      bytes += v == null ? 0 : 16 + 4L * v.length;
    }
    return bytes;
  }
}
