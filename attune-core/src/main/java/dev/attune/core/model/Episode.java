package dev.attune.core.model;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A message as observed, kept under the retention policy.
 *
 * @param messageId unique within the user; observing the same id twice stores it once
 * @param user whose conversation it belongs to
 * @param role who wrote it
 * @param speaker the writer's display name, if known
 * @param content the text (after redaction, where a policy applies)
 * @param sessionId the conversation session, if any
 * @param timestamp when it was written
 * @param embedding its vector and model; null until embedded
 */
public record Episode(
    String messageId,
    UserId user,
    Role role,
    @Nullable String speaker,
    String content,
    @Nullable String sessionId,
    Instant timestamp,
    @Nullable Embedding embedding) {
  public Episode {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(timestamp, "timestamp");
  }

  /**
   * The text that is indexed and embedded: the speaker's name (when known) and the content, so a
   * question that names a person finds what that person said.
   */
  public String indexText() {
    return speaker == null ? content : speaker + ": " + content;
  }

  public Episode withEmbedding(@Nullable Embedding newEmbedding) {
    return new Episode(messageId, user, role, speaker, content, sessionId, timestamp, newEmbedding);
  }
}
