package dev.attune.core.retrieval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.WordlistLoader;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.util.IOUtils;

/**
 * Turns text into index terms with Lucene's English analysis: standard tokenization, possessive
 * removal, lower-casing, stop words and Porter stemming. The stop words are Snowball's English list
 * (pronouns, auxiliaries and contractions such as "i'm" included), not Lucene's default 33: in
 * conversation every message says "I" and "my", and a match on them is no evidence of relevance.
 * Thread-safe.
 */
public final class TextAnalyzer {
  private static final TextAnalyzer ENGLISH = new TextAnalyzer(new EnglishAnalyzer(stopWords()));

  private final Analyzer analyzer;

  private TextAnalyzer(Analyzer analyzer) {
    this.analyzer = analyzer;
  }

  public static TextAnalyzer english() {
    return ENGLISH;
  }

  private static CharArraySet stopWords() {
    try {
      return WordlistLoader.getSnowballWordSet(
          IOUtils.getDecodingReader(
              IOUtils.requireResourceNonNull(
                  SnowballFilter.class.getResourceAsStream("english_stop.txt"), "english_stop.txt"),
              StandardCharsets.UTF_8));
    } catch (IOException e) {
      // The list ships inside lucene-analysis-common.
      throw new UncheckedIOException(e);
    }
  }

  /** The terms of {@code text}, in order, repeats kept. */
  public List<String> terms(String text) {
    List<String> terms = new ArrayList<>();
    // The tokenizer keeps "I’m" whole; the stop list spells it with a straight apostrophe.
    try (TokenStream stream = analyzer.tokenStream("text", text.replace('’', '\''))) {
      CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
      stream.reset();
      while (stream.incrementToken()) {
        terms.add(term.toString());
      }
      stream.end();
    } catch (IOException e) {
      // Analysis of an in-memory string does no I/O.
      throw new UncheckedIOException(e);
    }
    return terms;
  }
}
