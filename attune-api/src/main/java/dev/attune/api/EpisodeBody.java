package dev.attune.api;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A stored message. */
public record EpisodeBody(
    String messageId,
    String role,
    @Nullable String name,
    String content,
    @Nullable String sessionId,
    Instant timestamp) {}
