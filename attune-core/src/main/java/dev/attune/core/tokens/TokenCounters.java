package dev.attune.core.tokens;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingResult;
import com.knuddels.jtokkit.api.EncodingType;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.port.TokenCounter;

/** Token counters backed by jtokkit's OpenAI encodings. */
public final class TokenCounters {
  /** The default encoding (GPT-4, GPT-3.5). */
  public static final String DEFAULT_ENCODING = "cl100k_base";

  private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

  private TokenCounters() {}

  public static TokenCounter cl100k() {
    return forEncoding(DEFAULT_ENCODING);
  }

  /**
   * A counter for {@code cl100k_base} or {@code o200k_base} (GPT-4o and later).
   *
   * @throws InvalidRequestException naming {@code token_encoding} for any other name
   */
  public static TokenCounter forEncoding(String name) {
    EncodingType type =
        switch (name) {
          case "cl100k_base" -> EncodingType.CL100K_BASE;
          case "o200k_base" -> EncodingType.O200K_BASE;
          default ->
              throw new InvalidRequestException(
                  "token_encoding",
                  "token_encoding must be cl100k_base or o200k_base; got '" + name + "'");
        };
    return new JtokkitCounter(name, REGISTRY.getEncoding(type));
  }

  // Ordinary encoding throughout: stored text that spells a special token such as <|endoftext|>
  // is counted as the plain text it is, never as a control token.
  private record JtokkitCounter(String encoding, Encoding delegate) implements TokenCounter {
    @Override
    public int count(String text) {
      return delegate.countTokensOrdinary(text);
    }

    @Override
    public String truncate(String text, int maxTokens) {
      if (maxTokens <= 0) {
        return "";
      }
      EncodingResult result = delegate.encodeOrdinary(text, maxTokens);
      if (!result.isTruncated()) {
        return text;
      }
      int end = result.getLastProcessedCharacterIndex() + 1;
      String prefix = text.substring(0, Math.max(0, Math.min(end, text.length())));
      // The character index may fall inside a token that decodes differently on its own; shorten
      // until the count is honest.
      while (!prefix.isEmpty() && delegate.countTokensOrdinary(prefix) > maxTokens) {
        prefix = prefix.substring(0, prefix.length() - 1);
      }
      if (!prefix.isEmpty() && Character.isHighSurrogate(prefix.charAt(prefix.length() - 1))) {
        prefix = prefix.substring(0, prefix.length() - 1);
      }
      return prefix;
    }
  }
}
