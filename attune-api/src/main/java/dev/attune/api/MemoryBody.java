package dev.attune.api;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A memory as the API shows it (vectors are never sent). */
public record MemoryBody(
    String id,
    String text,
    String category,
    @Nullable String slot,
    double confidence,
    double effectiveConfidence,
    boolean dormant,
    String status,
    boolean pinned,
    String origin,
    List<Pack.Source> sources,
    Instant validFrom,
    @Nullable Instant validTo,
    Instant createdAt,
    Instant updatedAt,
    @Nullable Instant supersededAt,
    @Nullable String supersededBy,
    Instant lastConfirmedAt,
    @Nullable String embeddingModel) {

  /** {@code POST /v1/users/{user_id}/memories}. */
  public record Create(
      @Nullable String text,
      @Nullable String category,
      @Nullable Boolean pinned,
      @Nullable String validFrom) {}

  /** {@code PATCH /v1/users/{user_id}/memories/{id}}: absent fields are left as they are. */
  public record Patch(@Nullable String text, @Nullable String category, @Nullable Boolean pinned) {}

  /** A page of memories, newest first; {@code next_offset} is null on the last page. */
  public record Page(List<MemoryBody> memories, @Nullable Integer nextOffset) {}

  /** One entry of a memory's history. */
  public record Change(
      String memoryId,
      Instant at,
      String kind,
      String actor,
      @Nullable String before,
      @Nullable String after,
      @Nullable String relatedMemoryId,
      List<String> messageIds) {}

  /** {@code GET /v1/users/{user_id}/memories/{id}/history}. */
  public record History(String memoryId, List<Change> changes) {}
}
