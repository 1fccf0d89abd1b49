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
    Change c = change(now);
    c.text = newText;
    c.category = newCategory;
    c.lastConfirmedAt = now;
    c.embedding = null;
    return c.done();
  }

  /** Stated again: more confidence, more sources, confirmed now. */
  public Memory reinforced(double newConfidence, Provenance newProvenance, Instant now) {
    Change c = change(now);
    c.confidence = newConfidence;
    c.provenance = newProvenance;
    c.lastConfirmedAt = now;
    return c.done();
  }

  /** Replaced by {@code successor}, which became true at {@code validUntil}. */
  public Memory supersededBy(MemoryId successor, Instant validUntil, Instant now) {
    Change c = change(now);
    c.validTo = validUntil;
    c.supersededAt = now;
    c.supersededBy = successor;
    c.status = MemoryStatus.SUPERSEDED;
    return c.done();
  }

  public Memory deleted(Instant now) {
    Change c = change(now);
    c.validTo = validTo == null ? now : validTo;
    c.status = MemoryStatus.DELETED;
    return c.done();
  }

  public Memory withPinned(boolean newPinned, Instant now) {
    Change c = change(now);
    c.pinned = newPinned;
    return c.done();
  }

  /** The same memory with another vector (not a change to what it says: updatedAt stays). */
  public Memory withEmbedding(@Nullable Embedding newEmbedding) {
    Change c = change(updatedAt);
    c.embedding = newEmbedding;
    return c.done();
  }

  private Change change(Instant now) {
    return new Change(this, now);
  }

  /** A copy of a memory being changed, field by field: each change names only what it changes. */
  private static final class Change {
    private final Memory from;
    private final Instant updatedAt;
    String text;
    Category category;
    double confidence;
    Provenance provenance;
    @Nullable Instant validTo;
    @Nullable Instant supersededAt;
    @Nullable MemoryId supersededBy;
    MemoryStatus status;
    boolean pinned;
    Instant lastConfirmedAt;
    @Nullable Embedding embedding;

    Change(Memory from, Instant updatedAt) {
      this.from = from;
      this.updatedAt = updatedAt;
      this.text = from.text;
      this.category = from.category;
      this.confidence = from.confidence;
      this.provenance = from.provenance;
      this.validTo = from.validTo;
      this.supersededAt = from.supersededAt;
      this.supersededBy = from.supersededBy;
      this.status = from.status;
      this.pinned = from.pinned;
      this.lastConfirmedAt = from.lastConfirmedAt;
      this.embedding = from.embedding;
    }

    Memory done() {
      return new Memory(
          from.id,
          from.user,
          text,
          category,
          from.slot,
          confidence,
          provenance,
          from.validFrom,
          validTo,
          from.createdAt,
          updatedAt,
          supersededAt,
          supersededBy,
          status,
          pinned,
          lastConfirmedAt,
          embedding);
    }
  }
}
