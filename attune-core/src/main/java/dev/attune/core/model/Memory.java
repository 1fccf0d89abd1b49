package dev.attune.core.model;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A fact about a user, with bi-temporal validity: {@code validFrom}/{@code validTo} say when it was
 * true in the world, {@code createdAt}/{@code supersededAt} when Attune learned and replaced it.
 *
 * @param id unique within the user
 * @param user the user it is about
 * @param text the fact, one sentence
 * @param category what it is about
 * @param slot for single-valued facts, the attribute it sets (e.g. {@code location}); a newer
 *     memory with the same slot supersedes this one
 * @param confidence 0..1; raised each time the fact is stated again
 * @param provenance the messages it was built from
 * @param validFrom when it became true (by default, when it was first stated)
 * @param validTo when it stopped being true; null while current
 * @param createdAt when it was stored
 * @param updatedAt when it last changed
 * @param supersededAt when a newer memory replaced it; null unless superseded
 * @param supersededBy the memory that replaced it; null unless superseded
 * @param status active, superseded or deleted
 * @param pinned true when the user pinned or edited it: such a memory never decays
 * @param lastConfirmedAt when it was last stated or reinforced; decay counts from here
 * @param embedding its vector and the model that made it; null until embedded
 */
public record Memory(
    MemoryId id,
    UserId user,
    String text,
    Category category,
    @Nullable String slot,
    double confidence,
    Provenance provenance,
    Instant validFrom,
    @Nullable Instant validTo,
    Instant createdAt,
    Instant updatedAt,
    @Nullable Instant supersededAt,
    @Nullable MemoryId supersededBy,
    MemoryStatus status,
    boolean pinned,
    Instant lastConfirmedAt,
    @Nullable Embedding embedding) {

  public Memory {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(provenance, "provenance");
    Objects.requireNonNull(validFrom, "validFrom");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(lastConfirmedAt, "lastConfirmedAt");
    if (!(confidence >= 0 && confidence <= 1)) {
      throw new IllegalArgumentException("confidence must be within 0..1, got " + confidence);
    }
  }

  /** A new active memory. */
  public static Memory create(
      MemoryId id,
      UserId user,
      String text,
      Category category,
      @Nullable String slot,
      double confidence,
      Provenance provenance,
      Instant validFrom,
      Instant now) {
    return new Memory(
        id,
        user,
        text,
        category,
        slot,
        confidence,
        provenance,
        validFrom,
        null,
        now,
        now,
        null,
        null,
        MemoryStatus.ACTIVE,
        false,
        now,
        null);
  }

  public boolean isActive() {
    return status == MemoryStatus.ACTIVE;
  }

  /** The text and category changed; the embedding must be made again. */
  public Memory withText(String newText, Category newCategory, Instant now) {
    return new Memory(
        id,
        user,
        newText,
        newCategory,
        slot,
        confidence,
        provenance,
        validFrom,
        validTo,
        createdAt,
        now,
        supersededAt,
        supersededBy,
        status,
        pinned,
        now,
        null);
  }

  /** Stated again: more confidence, more sources, confirmed now. */
  public Memory reinforced(double newConfidence, Provenance newProvenance, Instant now) {
    return new Memory(
        id,
        user,
        text,
        category,
        slot,
        newConfidence,
        newProvenance,
        validFrom,
        validTo,
        createdAt,
        now,
        supersededAt,
        supersededBy,
        status,
        pinned,
        now,
        embedding);
  }

  /** Replaced by {@code successor}, which became true at {@code validUntil}. */
  public Memory supersededBy(MemoryId successor, Instant validUntil, Instant now) {
    return new Memory(
        id,
        user,
        text,
        category,
        slot,
        confidence,
        provenance,
        validFrom,
        validUntil,
        createdAt,
        now,
        now,
        successor,
        MemoryStatus.SUPERSEDED,
        pinned,
        lastConfirmedAt,
        embedding);
  }

  public Memory deleted(Instant now) {
    return new Memory(
        id,
        user,
        text,
        category,
        slot,
        confidence,
        provenance,
        validFrom,
        validTo == null ? now : validTo,
        createdAt,
        now,
        supersededAt,
        supersededBy,
        MemoryStatus.DELETED,
        pinned,
        lastConfirmedAt,
        embedding);
  }

  public Memory withPinned(boolean newPinned, Instant now) {
    return new Memory(
        id,
        user,
        text,
        category,
        slot,
        confidence,
        provenance,
        validFrom,
        validTo,
        createdAt,
        now,
        supersededAt,
        supersededBy,
        status,
        newPinned,
        lastConfirmedAt,
        embedding);
  }

  public Memory withEmbedding(@Nullable Embedding newEmbedding) {
    return new Memory(
        id,
        user,
        text,
        category,
        slot,
        confidence,
        provenance,
        validFrom,
        validTo,
        createdAt,
        updatedAt,
        supersededAt,
        supersededBy,
        status,
        pinned,
        lastConfirmedAt,
        newEmbedding);
  }
}
