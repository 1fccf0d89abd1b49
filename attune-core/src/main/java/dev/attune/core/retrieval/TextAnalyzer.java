package dev.attune.core.retrieval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Turns text into index terms with Lucene's English analysis: standard tokenization, possessive
 * removal, lower-casing, stop words and Porter stemming. Thread-safe.
 */
public final class TextAnalyzer {
  private static final TextAnalyzer ENGLISH = new TextAnalyzer(new EnglishAnalyzer());

  private final Analyzer analyzer;

  private TextAnalyzer(Analyzer analyzer) {
    this.analyzer = analyzer;
  }

  public static TextAnalyzer english() {
    return ENGLISH;
  }

  /** The terms of {@code text}, in order, repeats kept. */
  public List<String> terms(String text) {
    List<String> terms = new ArrayList<>();
    try (TokenStream stream = analyzer.tokenStream("text", text)) {
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
