package dev.attune.core.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a memory came from: exactly the messages it was built from, no more.
 *
 * @param origin observed in conversation, added explicitly, or a summary of other memories
 * @param sources the messages, oldest first; empty for explicit memories
 */
public record Provenance(Origin origin, List<SourceRef> sources) {
  public Provenance {
    Objects.requireNonNull(origin, "origin");
    sources = List.copyOf(sources);
  }

  public static Provenance explicit() {
    return new Provenance(Origin.EXPLICIT, List.of());
  }

  public static Provenance observed(List<SourceRef> sources) {
    return new Provenance(Origin.OBSERVED, sources);
  }

  public static Provenance summary(List<SourceRef> sources) {
    return new Provenance(Origin.SUMMARY, sources);
  }

  /** This provenance with {@code more} sources added (each message once, oldest first). */
  public Provenance plus(List<SourceRef> more) {
    Map<String, SourceRef> byId = new LinkedHashMap<>();
    for (SourceRef ref : sources) {
      byId.put(ref.messageId(), ref);
    }
    for (SourceRef ref : more) {
      byId.putIfAbsent(ref.messageId(), ref);
    }
    List<SourceRef> merged = new ArrayList<>(byId.values());
    merged.sort((a, b) -> a.timestamp().compareTo(b.timestamp()));
    return new Provenance(origin, merged);
  }
}
