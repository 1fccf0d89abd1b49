package dev.attune.api;

import org.jspecify.annotations.Nullable;

/**
 * A message: {@code {"role", "content", "id"?, "timestamp"?, "name"?, "context_id"?}}.
 *
 * @param role {@code user}, {@code assistant}, {@code system} or {@code tool}
 * @param content the text, at most 32,000 characters
 * @param id a stable id, so that observing it twice stores it once
 * @param timestamp ISO-8601 with offset, e.g. {@code 2024-05-01T10:00:00Z}
 * @param name the writer's display name
 * @param contextId for an assistant's reply: the {@code context_id} of the pack its prompt held
 */
public record MessageBody(
    @Nullable String role,
    @Nullable String content,
    @Nullable String id,
    @Nullable String timestamp,
    @Nullable String name,
    @Nullable String contextId) {
  public MessageBody(
      @Nullable String role,
      @Nullable String content,
      @Nullable String id,
      @Nullable String timestamp,
      @Nullable String name) {
    this(role, content, id, timestamp, name, null);
  }

  public static MessageBody user(String content) {
    return new MessageBody("user", content, null, null, null);
  }

  public static MessageBody assistant(String content) {
    return new MessageBody("assistant", content, null, null, null);
  }

  /** An assistant's reply written with the pack {@code contextId}. */
  public static MessageBody assistant(String content, String contextId) {
    return new MessageBody("assistant", content, null, null, null, contextId);
  }
}
