package dev.attune.api;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An observation: accepted ({@code pending}), then {@code done} or {@code failed}.
 *
 * @param stored messages stored (done only)
 * @param duplicates messages skipped because their id was already stored (done only)
 * @param added memories created (done only)
 * @param reinforced memories stated again (done only)
 * @param superseded memories replaced (done only)
 * @param awaitingExtraction messages stored and waiting for a chat model to extract them in a later
 *     batch (done only; 0 with the offline extractor)
 * @param error why it failed (failed only)
 */
public record ObservationBody(
    String observationId,
    String userId,
    String status,
    Instant receivedAt,
    @Nullable Instant finishedAt,
    @Nullable Integer stored,
    @Nullable Integer duplicates,
    @Nullable List<MemoryBody> added,
    @Nullable List<MemoryBody> reinforced,
    @Nullable List<MemoryBody> superseded,
    @Nullable Integer awaitingExtraction,
    @Nullable String error) {}
