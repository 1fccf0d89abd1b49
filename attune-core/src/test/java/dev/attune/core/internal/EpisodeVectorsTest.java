package dev.attune.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.core.model.Episode;
import dev.attune.core.model.Role;
import dev.attune.core.model.UserId;
import dev.attune.core.retrieval.Passages;
import dev.attune.core.retrieval.RetrievalPolicy;
import dev.attune.core.testing.HashingEmbedder;
import dev.attune.core.testing.InMemoryStore;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a message is embedded from is bounded, whatever its length or the reply before it. */
class EpisodeVectorsTest {
  static final UserId U = UserId.of("u");
  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  static Episode episode(String id, Role role, String content, int second) {
    return new Episode(id, U, role, null, content, "s1", T.plusSeconds(second), null);
  }

  static String sentences(String word, int chars) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; b.length() < chars; i++) {
      b.append("The ").append(word).append(' ').append(i).append(" is described here at length. ");
    }
    return b.toString().trim();
  }

  static EpisodeVectors vectors(RetrievalPolicy policy) {
    return new EpisodeVectors(new InMemoryStore(), new HashingEmbedder(), policy);
  }

  @Test
  void aShortQuestionAfterALongReplyCarriesOnlyTheRepliesEnd() {
    RetrievalPolicy policy = RetrievalPolicy.defaults();
    // A reply past the bound (one a model writes at length; the bound is about 250 tokens).
    Episode reply = episode("a", Role.ASSISTANT, sentences("answer", 2_600), 0);
    Episode question = episode("q", Role.USER, "And which one is cheapest?", 1);
    List<List<String>> texts = vectors(policy).texts(List.of(reply, question), List.of(question));
    String text = texts.get(0).get(0);
    assertThat(reply.content().length()).isGreaterThan(2 * policy.denseContextChars());
    assertThat(text).endsWith("\nAnd which one is cheapest?");
    assertThat(text.length())
        .isLessThanOrEqualTo(policy.denseContextChars() + question.content().length());
    // Cut at a word boundary, from the reply's end.
    String context = text.substring(0, text.length() - question.content().length());
    assertThat(reply.content() + "\n").endsWith(context);
    assertThat(context).doesNotStartWith(" ");
    assertThat(context.length()).isGreaterThan(policy.denseContextChars() - 50);
    // A reply within the bound is context as it is.
    Episode shortReply = episode("s", Role.ASSISTANT, "Try the bistro on Rua Nova.", 0);
    assertThat(vectors(policy).texts(List.of(shortReply, question), List.of(question)).get(0))
        .containsExactly("Try the bistro on Rua Nova.\nAnd which one is cheapest?");
  }

  @Test
  void aMessageOf32000CharactersIsEmbeddedNoFurtherThanItsPassageBound() {
    RetrievalPolicy policy = RetrievalPolicy.defaults();
    String huge = sentences("clause", 32_000);
    Episode user = episode("u1", Role.USER, huge, 0);
    Episode assistant = episode("a1", Role.ASSISTANT, huge, 1);
    List<List<String>> texts =
        vectors(policy).texts(List.of(user, assistant), List.of(user, assistant));
    assertThat(Passages.split(huge).size()).isGreaterThan(60);
    assertThat(texts.get(0)).hasSize(policy.userPassages());
    assertThat(texts.get(1)).hasSize(policy.assistantPassages());
    int embedded = texts.stream().flatMap(List::stream).mapToInt(String::length).sum();
    assertThat(embedded)
        .isLessThanOrEqualTo(
            (policy.userPassages() + policy.assistantPassages()) * Passages.MAX_CHARS);
    // From the start, in order: a passage's position still names its span.
    assertThat(texts.get(0).get(0)).isEqualTo(Passages.split(huge).get(0).of(huge));
  }

  @Test
  void tailKeepsShortTextAndCutsLongTextAtASpace() {
    assertThat(EpisodeVectors.tail("short", 10)).isEqualTo("short");
    assertThat(EpisodeVectors.tail("alpha beta gamma", 8)).isEqualTo("gamma");
    assertThat(EpisodeVectors.tail("abcdefghij", 4)).isEqualTo("ghij");
  }
}
