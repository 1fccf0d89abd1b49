package dev.attune.core.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.port.TokenCounter;
import org.junit.jupiter.api.Test;

class TokenCountersTest {
  @Test
  void countsWithTheRealEncodings() {
    assertThat(TokenCounters.cl100k().count("hello world")).isEqualTo(2);
    assertThat(TokenCounters.cl100k().encoding()).isEqualTo("cl100k_base");
    assertThat(TokenCounters.forEncoding("o200k_base").count("hello world")).isEqualTo(2);
    // A word cl100k splits and a long one: not characters divided by four.
    assertThat(TokenCounters.cl100k().count("antidisestablishmentarianism")).isEqualTo(6);
  }

  @Test
  void specialTokensInStoredTextAreCountedAsPlainText() {
    assertThat(TokenCounters.cl100k().count("<|endoftext|>")).isGreaterThan(1);
  }

  @Test
  void truncateNeverExceedsTheLimitAndKeepsShortText() {
    TokenCounter counter = TokenCounters.cl100k();
    String text = "The quick brown fox jumps over the lazy dog. ".repeat(20) + "Ünïcödé 🚀 text.";
    for (int max = 1; max < 120; max += 7) {
      String cut = counter.truncate(text, max);
      assertThat(counter.count(cut)).isLessThanOrEqualTo(max);
      assertThat(text).startsWith(cut);
    }
    assertThat(counter.truncate("short", 10)).isEqualTo("short");
    assertThat(counter.truncate("anything", 0)).isEmpty();
  }

  @Test
  void unknownEncodingIsAClearError() {
    assertThatThrownBy(() -> TokenCounters.forEncoding("p50k"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("token_encoding must be cl100k_base or o200k_base; got 'p50k'");
  }
}
