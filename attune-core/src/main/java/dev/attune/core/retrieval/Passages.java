package dev.attune.core.retrieval;

import java.util.ArrayList;
import java.util.List;

/**
 * A long message as passages: runs of whole sentences of at most {@link #MAX_CHARS} characters.
 * Each passage of a long message is embedded on its own, so a question about one part of a pasted
 * answer finds that part, and context shows the part that matched rather than the message's
 * opening. Deterministic: the same text always splits the same way, so offsets computed when a
 * message is observed hold when it is read back. Stateless.
 */
public final class Passages {
  /** Messages up to this long are one passage. */
  public static final int LONG_CHARS = 700;

  /** A passage's most characters (one sentence longer than this is cut at a space). */
  public static final int MAX_CHARS = 500;

  /** One passage: {@code text.substring(start, end)}. */
  public record Span(int start, int end) {
    public String of(String text) {
      return text.substring(start, end);
    }
  }

  private Passages() {}

  /** The passages of {@code text}, in order; one that covers it all when it is not long. */
  public static List<Span> split(String text) {
    if (text.length() <= LONG_CHARS) {
      return List.of(new Span(0, text.length()));
    }
    List<Span> out = new ArrayList<>();
    int start = skipSpace(text, 0);
    while (start < text.length()) {
      int end = Math.min(text.length(), start + MAX_CHARS);
      if (end < text.length()) {
        int cut = lastBoundary(text, start, end);
        end = cut > start ? cut : end;
      }
      int trimmed = end;
      while (trimmed > start && Character.isWhitespace(text.charAt(trimmed - 1))) {
        trimmed--;
      }
      if (trimmed > start) {
        out.add(new Span(start, trimmed));
      }
      start = skipSpace(text, end);
    }
    return out;
  }

  /**
   * The best place to end a passage in (start, end]: after a sentence end or line break, else at a
   * space; -1 when there is none.
   */
  private static int lastBoundary(String text, int start, int end) {
    int space = -1;
    // Passages shorter than a fifth of the maximum are not worth a vector of their own.
    int min = start + MAX_CHARS / 5;
    for (int i = end; i > min; i--) {
      char before = text.charAt(i - 1);
      char at = text.charAt(i);
      if (before == '\n' || ((before == '.' || before == '!' || before == '?') && at == ' ')) {
        return i;
      }
      if (space < 0 && Character.isWhitespace(at)) {
        space = i;
      }
    }
    return space;
  }

  private static int skipSpace(String text, int i) {
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
  }
}
