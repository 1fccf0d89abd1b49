package dev.attune.api;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code GET /v1/users/{user_id}/export}: everything held about the user. */
public record ExportBody(
    @Nullable ProfileBody profile,
    List<MemoryBody> memories,
    List<EpisodeBody> episodes,
    List<MemoryBody.Change> history,
    List<EffectBodies.ContextRecordBody> contexts,
    List<EffectBodies.FeedbackOut> feedback,
    List<EffectBodies.CorrectionBody> corrections) {}
