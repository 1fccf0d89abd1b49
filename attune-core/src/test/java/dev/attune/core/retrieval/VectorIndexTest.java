package dev.attune.core.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The int8 index scores as the floats would, within quantization's error, and keeps the order. */
class VectorIndexTest {
  static final int DIMS = 384;

  static float[] unit(Random random) {
    float[] v = new float[DIMS];
    double norm = 0;
    for (int i = 0; i < DIMS; i++) {
      v[i] = (float) random.nextGaussian();
      norm += v[i] * v[i];
    }
    for (int i = 0; i < DIMS; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return v;
  }

  static float dot(float[] a, int from, float[] b) {
    float s = 0;
    for (int i = 0; i < DIMS; i++) {
      s += a[from + i] * b[i];
    }
    return s;
  }

  /** A vector close to {@code base}: cosine with it about {@code 1 - noise^2 / 2}. */
  static float[] near(float[] base, double noise, Random random) {
    float[] n = unit(random);
    float[] v = new float[DIMS];
    double norm = 0;
    for (int i = 0; i < DIMS; i++) {
      v[i] = (float) (base[i] + noise * n[i]);
      norm += v[i] * v[i];
    }
    for (int i = 0; i < DIMS; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return v;
  }

  @Test
  void scoresAreTheFloatCosinesWithinQuantizationsErrorForEveryPassage() {
    Random random = new Random(11);
    float[] query = unit(random);
    List<Object> rows = new ArrayList<>();
    for (int d = 0; d < 200; d++) {
      int passages = d % 5 == 0 ? 3 : 1;
      float[] joined = new float[passages * DIMS];
      for (int p = 0; p < passages; p++) {
        System.arraycopy(
            near(query, 0.2 + random.nextDouble() * 3, random), 0, joined, p * DIMS, DIMS);
      }
      rows.add(joined);
    }
    rows.add(null); // a document without a vector scores 0
    VectorIndex index = VectorIndex.build(rows, DIMS);
    float[] scores = new float[rows.size()];
    int[] best = new int[rows.size()];
    index.score(query, scores, best);
    for (int d = 0; d < 200; d++) {
      float[] joined = (float[]) rows.get(d);
      float expected = -2;
      int arg = 0;
      for (int p = 0; p < joined.length / DIMS; p++) {
        float s = dot(joined, p * DIMS, query);
        if (s > expected) {
          expected = s;
          arg = p;
        }
      }
      assertThat(scores[d]).as("document %d", d).isCloseTo(expected, within(0.01f));
      if (joined.length > DIMS) {
        float chosen = dot(joined, best[d] * DIMS, query);
        assertThat(chosen).isCloseTo(dot(joined, arg * DIMS, query), within(0.01f));
      }
    }
    assertThat(scores[200]).isZero();
    assertThat(index.has(200)).isFalse();
  }

  @Test
  void heldCodesCarryIntoTheNextIndexUnchangedAndFloatsComeBackClose() {
    Random random = new Random(3);
    float[] a = unit(random);
    VectorIndex first = VectorIndex.build(List.of(a), DIMS);
    VectorIndex.Held held = first.row(0);
    VectorIndex next = VectorIndex.build(List.of(unit(random), held), DIMS);
    assertThat(next.row(1).codes()[0]).isSameAs(held.codes()[0]);
    float[] back = next.floats(1);
    for (int i = 0; i < DIMS; i++) {
      assertThat(back[i]).isCloseTo(a[i], within(0.005f));
    }
    // A quarter of the floats' bytes, about.
    assertThat(first.estimatedBytes()).isLessThan(4L * DIMS / 3);
  }

  @Test
  void aZeroVectorScoresZeroAndTheWrongLengthCountsAsNone() {
    VectorIndex index = VectorIndex.build(List.of(new float[DIMS], new float[DIMS + 1]), DIMS);
    float[] scores = new float[2];
    index.score(unit(new Random(1)), scores, null);
    assertThat(scores).containsExactly(0f, 0f);
    assertThat(index.has(1)).isFalse();
  }
}
