package dev.attune.core.assembly;

import dev.attune.core.api.ContextItem;
import dev.attune.core.model.ItemKind;
import dev.attune.core.model.SourceRef;
import dev.attune.core.port.TokenCounter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * How items are written into a pack, one line each: stored text quoted and cut to the policy's
 * size, with its token count (a line's count is final: pieces are counted once).
 */
final class Lines {
  // "8 May 2023" costs 5 tokens fewer than "2023-05-08 13:56" on every item (cl100k).
  static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);

  private final TokenCounter tokens;
  private final AssemblyPolicy policy;

  Lines(TokenCounter tokens, AssemblyPolicy policy) {
    this.tokens = tokens;
    this.policy = policy;
  }

  record Rendered(String line, int tokens) {}

  record WindowRender(String line, int tokens, String text, List<SourceRef> sources) {}

  Rendered line(String line) {
    return new Rendered(line, tokens.count(line));
  }

  int count(String text) {
    return tokens.count(text);
  }

  Cand labelled(String id, ItemKind kind, String label, String value, int rank) {
    return fixed(id, kind, value, "- " + label + ": " + Inert.quote(clip(value)) + "\n", rank);
  }

  Cand fixed(String id, ItemKind kind, String text, String line, int rank) {
    ContextItem item = new ContextItem(id, kind, text, null, 0, 0, List.of());
    return new Cand(item, line, tokens.count(line), rank);
  }

  String clip(String text) {
    return clip(text, policy.maxItemTokens());
  }

  String clip(String text, int maxTokens) {
    if (text.length() <= maxTokens) {
      // Every token spans at least one character: this text cannot be over the limit.
      return text;
    }
    String cut = tokens.truncate(text, maxTokens);
    return cut.length() == text.length() ? text : cut + "…";
  }
}
