package dev.attune.core.model;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A message handed to observe.
 *
 * @param role who wrote it
 * @param content its text, at most {@link dev.attune.core.model.Limits#MAX_MESSAGE_CHARS}
 *     characters
 * @param id a stable id; observing the same id twice stores it once. Generated when null.
 * @param timestamp when it was written; the clock's now when null
 * @param name the writer's display name, if known
 * @param contextId for an assistant's reply: the context pack ({@code ctx_...}) its prompt held, so
 *     that Attune can tell which injected items the reply used
 */
public record Message(
    Role role,
    String content,
    @Nullable String id,
    @Nullable Instant timestamp,
    @Nullable String name,
    @Nullable String contextId) {
  public Message {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
  }

  public Message(
      Role role,
      String content,
      @Nullable String id,
      @Nullable Instant timestamp,
      @Nullable String name) {
    this(role, content, id, timestamp, name, null);
  }

  /** The same message with another text (redaction). */
  public Message withContent(String text) {
    return new Message(role, text, id, timestamp, name, contextId);
  }

  public static Message user(String content) {
    return new Message(Role.USER, content, null, null, null);
  }

  public static Message assistant(String content) {
    return new Message(Role.ASSISTANT, content, null, null, null);
  }
}
