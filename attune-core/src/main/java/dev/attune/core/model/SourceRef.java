package dev.attune.core.model;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One message an item was built from.
 *
 * @param messageId the message's id within its user
 * @param sessionId the session it was observed in, if any
 * @param timestamp when it was written
 */
public record SourceRef(String messageId, @Nullable String sessionId, Instant timestamp) {
  public SourceRef {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(timestamp, "timestamp");
  }

  public static SourceRef of(Episode episode) {
    return new SourceRef(episode.messageId(), episode.sessionId(), episode.timestamp());
  }
}
