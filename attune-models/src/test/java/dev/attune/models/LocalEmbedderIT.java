package dev.attune.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocalEmbedderIT {
  private static LocalEmbedder embedder;

  @BeforeAll
  static void load() {
    embedder = LocalEmbedder.create();
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
    }
    return dot;
  }

  @Test
  void makesNormalizedVectorsOfTheDeclaredSizeOffline() {
    float[] v = embedder.embed("I live in Berlin");
    assertThat(v).hasSize(embedder.dimensions());
    assertThat(cosine(v, v)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(embedder.modelId()).isEqualTo("all-minilm-l6-v2-q");
  }

  @Test
  void relatedSentencesAreCloserThanUnrelatedOnes() {
    List<float[]> v =
        embedder.embedAll(
            List.of(
                "Where does the user live?",
                "Alice lives in Berlin, Germany.",
                "The quarterly revenue grew by five percent."));
    assertThat(cosine(v.get(0), v.get(1))).isGreaterThan(cosine(v.get(0), v.get(2)) + 0.1);
  }

  @Test
  void blankTextStillEmbeds() {
    assertThat(embedder.embedAll(List.of(" "))).hasSize(1);
  }
}
