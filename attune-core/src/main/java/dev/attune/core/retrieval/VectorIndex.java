package dev.attune.core.retrieval;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Dense vectors of one model, one row per document (rows without a vector score 0). Scoring is a
 * dot product: vectors are L2-normalized, so it is cosine similarity. Immutable; thread-safe.
 */
final class VectorIndex {
  private final float[] data;
  private final boolean[] present;
  private final int dims;

  private VectorIndex(float[] data, boolean[] present, int dims) {
    this.data = data;
    this.present = present;
    this.dims = dims;
  }

  /** Rows in order; a null row, or one of another length, has no vector. */
  static VectorIndex build(List<float @Nullable []> rows, int dims) {
    float[] data = new float[rows.size() * dims];
    boolean[] present = new boolean[rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      float[] v = rows.get(r);
      if (v != null && v.length == dims) {
        System.arraycopy(v, 0, data, r * dims, dims);
        present[r] = true;
      }
    }
    return new VectorIndex(data, present, dims);
  }

  boolean has(int row) {
    return present[row];
  }

  /** Cosine similarity of every row with {@code query} into {@code scores}; 0 where absent. */
  void score(float[] query, float[] scores) {
    if (query.length != dims) {
      return;
    }
    for (int r = 0; r < present.length; r++) {
      if (!present[r]) {
        continue;
      }
      int base = r * dims;
      float dot = 0;
      for (int i = 0; i < dims; i++) {
        dot += data[base + i] * query[i];
      }
      scores[r] = dot;
    }
  }

  long estimatedBytes() {
    return 4L * data.length + present.length + 32;
  }
}
