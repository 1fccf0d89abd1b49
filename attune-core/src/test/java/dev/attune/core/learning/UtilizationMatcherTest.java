package dev.attune.core.learning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.core.model.Embedding;
import dev.attune.core.testing.HashingEmbedder;
import java.util.List;
import org.junit.jupiter.api.Test;

class UtilizationMatcherTest {
  private static final String REPLY =
      "Since you are vegetarian, try a mushroom risotto. Porto has good markets for it.";

  @Test
  void anItemsStoredEmbeddingOfTheSameModelIsUsedNotMadeAgainWithTheSameResult() {
    HashingEmbedder model = new HashingEmbedder();
    List<String> texts =
        List.of("User is vegetarian.", "User lives in Porto.", "User plays chess.");
    List<UtilizationMatcher.Item> bare =
        List.of(
            new UtilizationMatcher.Item("a", texts.get(0)),
            new UtilizationMatcher.Item("b", texts.get(1)),
            new UtilizationMatcher.Item("c", texts.get(2)));
    List<float[]> stored = new HashingEmbedder().embedAll(texts);
    List<UtilizationMatcher.Item> withVectors =
        List.of(
            new UtilizationMatcher.Item(
                "a", texts.get(0), new Embedding(model.modelId(), stored.get(0))),
            new UtilizationMatcher.Item(
                "b", texts.get(1), new Embedding(model.modelId(), stored.get(1))),
            // Another model's vector cannot be compared with this model's: made again.
            new UtilizationMatcher.Item(
                "c", texts.get(2), new Embedding("other-model", stored.get(2))));
    UtilizationMatcher matcher = new UtilizationMatcher(model);

    List<UtilizationMatcher.Match> fromText = matcher.match(bare, REPLY);
    long afterText = model.texts();
    List<UtilizationMatcher.Match> fromStore = matcher.match(withVectors, REPLY);

    // Two sentences of the reply each time; the texts once, then only the other model's item.
    assertThat(afterText).isEqualTo(3 + 2);
    assertThat(model.texts() - afterText).isEqualTo(1 + 2);
    assertThat(fromStore).isEqualTo(fromText);
    assertThat(fromStore)
        .filteredOn(UtilizationMatcher.Match::used)
        .extracting(UtilizationMatcher.Match::id)
        .containsExactly("a", "b");
  }
}
