package dev.attune.core.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PassagesTest {
  @Test
  void aMessageThatIsNotLongIsOnePassage() {
    String text = "I moved to Porto. ".repeat(20).strip();
    assertThat(Passages.split(text)).containsExactly(new Passages.Span(0, text.length()));
  }

  @Test
  void aLongMessageSplitsAtSentenceEndsIntoPassagesOfBoundedLength() {
    String sentence = "The cache is rebuilt after every write to the store, which costs time. ";
    String text = sentence.repeat(30);
    List<Passages.Span> spans = Passages.split(text);

    assertThat(spans).hasSizeGreaterThan(3);
    for (Passages.Span s : spans) {
      String part = s.of(text);
      assertThat(part.length()).isLessThanOrEqualTo(Passages.MAX_CHARS);
      assertThat(part).startsWith("The cache").endsWith("time.");
    }
    // Nothing is lost between passages but the spaces that separate them.
    StringBuilder joined = new StringBuilder();
    spans.forEach(s -> joined.append(s.of(text)).append(' '));
    assertThat(joined.toString()).isEqualTo(text);
    assertThat(Passages.split(text)).isEqualTo(spans);
  }

  @Test
  void aSentenceLongerThanAPassageIsCutAtASpace() {
    String text = "word ".repeat(400).strip();
    for (Passages.Span s : Passages.split(text)) {
      assertThat(s.of(text)).startsWith("word").endsWith("word");
      assertThat(s.end() - s.start()).isLessThanOrEqualTo(Passages.MAX_CHARS);
    }
  }
}
