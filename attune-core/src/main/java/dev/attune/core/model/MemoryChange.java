package dev.attune.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a memory's history (the audit of how it came to be what it is).
 *
 * @param memory the memory that changed
 * @param at when
 * @param kind what happened
 * @param actor who or what caused it, e.g. {@code extractor:heuristic}, {@code api}, {@code cli}
 * @param before the text before the change, where the text changed
 * @param after the text after the change
 * @param related the other memory involved: the successor of a superseded memory, or the memory a
 *     new one superseded
 * @param messageIds the messages that caused the change, if any
 */
public record MemoryChange(
    MemoryId memory,
    Instant at,
    ChangeKind kind,
    String actor,
    @Nullable String before,
    @Nullable String after,
    @Nullable MemoryId related,
    List<String> messageIds) {
  public MemoryChange {
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(actor, "actor");
    messageIds = List.copyOf(messageIds);
  }
}
