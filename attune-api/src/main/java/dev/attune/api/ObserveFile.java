package dev.attune.api;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** The input of {@code attune observe --file}: {@code {"messages": [...], "session_id"?}}. */
public record ObserveFile(@Nullable List<MessageBody> messages, @Nullable String sessionId) {}
