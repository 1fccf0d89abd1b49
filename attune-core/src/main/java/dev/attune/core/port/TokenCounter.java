package dev.attune.core.port;

/** Counts tokens as the target model's tokenizer does. Thread-safe. */
public interface TokenCounter {
  /** The encoding's name, e.g. {@code cl100k_base}. */
  String encoding();

  int count(String text);

  /** The longest prefix of {@code text} that is at most {@code maxTokens} tokens. */
  String truncate(String text, int maxTokens);
}
