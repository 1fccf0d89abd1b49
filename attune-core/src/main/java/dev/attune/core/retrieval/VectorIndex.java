package dev.attune.core.retrieval;

import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.util.VectorUtil;
import org.jspecify.annotations.Nullable;

/**
 * Dense vectors of one model: each document has one vector, or one per passage for a long message
 * (its score is then its best passage's), or none (it scores 0). Vectors are held as int8 codes
 * with one scale each (scalar quantization, as Lucene quantizes its HNSW vectors): a quarter of the
 * floats' bytes, so the working-set cache holds about four times the users. Scoring quantizes the
 * query the same way and takes the dot product of codes (Lucene's {@link VectorUtil}, SIMD when the
 * JVM allows it), scaled back: vectors are L2-normalized, so it is cosine similarity within about
 * 0.005. Immutable; thread-safe.
 */
final class VectorIndex {
  private final byte[][] codes;
  private final float[] scales;
  // Document d's vectors are codes[first[d]] .. codes[first[d + 1] - 1].
  private final int[] first;
  private final int dims;

  private VectorIndex(byte[][] codes, float[] scales, int[] first, int dims) {
    this.codes = codes;
    this.scales = scales;
    this.first = first;
    this.dims = dims;
  }

  /** One document's vectors as the index holds them, to carry into the next index unchanged. */
  record Held(byte[][] codes, float[] scales) {}

  /**
   * One entry per document, in order: null for none; a {@code float[]} of {@code dims} floats, or a
   * multiple of {@code dims} for one vector per passage (any other length counts as none),
   * quantized here; or a {@link Held} from {@link #row} of an index of the same model.
   */
  static VectorIndex build(List<@Nullable Object> rows, int dims) {
    int[] first = new int[rows.size() + 1];
    List<byte[]> codes = new ArrayList<>(rows.size());
    List<Float> scales = new ArrayList<>(rows.size());
    for (int d = 0; d < rows.size(); d++) {
      first[d] = codes.size();
      Object row = rows.get(d);
      if (row instanceof Held held && held.codes().length > 0 && held.codes()[0].length == dims) {
        for (int i = 0; i < held.codes().length; i++) {
          codes.add(held.codes()[i]);
          scales.add(held.scales()[i]);
        }
      } else if (row instanceof float[] v && dims > 0 && v.length > 0 && v.length % dims == 0) {
        for (int at = 0; at < v.length; at += dims) {
          byte[] c = new byte[dims];
          scales.add(quantize(v, at, dims, c));
          codes.add(c);
        }
      }
    }
    first[rows.size()] = codes.size();
    float[] s = new float[scales.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = scales.get(i);
    }
    return new VectorIndex(codes.toArray(new byte[0][]), s, first, dims);
  }

  /**
   * Writes {@code v[from .. from + dims)} as codes in -127..127 and returns the scale that maps
   * them back (the largest magnitude over 127); an all-zero vector gets scale 0.
   */
  static float quantize(float[] v, int from, int dims, byte[] into) {
    float max = 0;
    for (int i = 0; i < dims; i++) {
      max = Math.max(max, Math.abs(v[from + i]));
    }
    if (max == 0) {
      return 0;
    }
    float toCode = 127 / max;
    for (int i = 0; i < dims; i++) {
      into[i] = (byte) Math.round(v[from + i] * toCode);
    }
    return max / 127;
  }

  /** Document {@code doc}'s vectors as held, for {@link #build}; null for none. */
  @Nullable Held row(int doc) {
    int from = first[doc];
    int to = first[doc + 1];
    if (from == to) {
      return null;
    }
    byte[][] c = new byte[to - from][];
    float[] s = new float[to - from];
    System.arraycopy(codes, from, c, 0, to - from);
    System.arraycopy(scales, from, s, 0, to - from);
    return new Held(c, s);
  }

  /** Document {@code doc}'s vectors as floats (joined, one per passage), or null for none. */
  float @Nullable [] floats(int doc) {
    int from = first[doc];
    int to = first[doc + 1];
    if (from == to) {
      return null;
    }
    float[] out = new float[(to - from) * dims];
    for (int i = from; i < to; i++) {
      for (int j = 0; j < dims; j++) {
        out[(i - from) * dims + j] = codes[i][j] * scales[i];
      }
    }
    return out;
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
    if (query.length != dims || dims == 0) {
      return;
    }
    byte[] q = new byte[dims];
    float qScale = quantize(query, 0, dims, q);
    for (int d = 0; d < scores.length; d++) {
      int from = first[d];
      int to = first[d + 1];
      if (from == to) {
        continue;
      }
      float best = VectorUtil.dotProduct(codes[from], q) * scales[from];
      int arg = 0;
      for (int i = from + 1; i < to; i++) {
        float s = VectorUtil.dotProduct(codes[i], q) * scales[i];
        if (s > best) {
          best = s;
          arg = i - from;
        }
      }
      scores[d] = best * qScale;
      if (bestPassage != null) {
        bestPassage[d] = arg;
      }
    }
  }

  long estimatedBytes() {
    long bytes = 16L * codes.length + 4L * scales.length + 4L * first.length + 48;
    for (byte[] c : codes) {
      bytes += 16 + c.length;
    }
    return bytes;
  }
}
