package dev.attune.server.wire;

import dev.attune.core.InvalidRequestException;
import dev.attune.core.model.Message;
import dev.attune.core.model.Role;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;

/**
 * A message as written on the wire: {@code {"role", "content", "id"?, "timestamp"?, "name"?}}. The
 * timestamp is ISO-8601 with an offset ({@code 2024-05-01T10:00:00Z}).
 */
public record MessageIn(
    @Nullable String role,
    @Nullable String content,
    @Nullable String id,
    @Nullable String timestamp,
    @Nullable String name) {

  /** The core message, or an error naming {@code field} (e.g. {@code messages[2]}). */
  public Message toMessage(String field) {
    if (role == null) {
      throw new InvalidRequestException(field + ".role", field + ".role is required");
    }
    if (content == null) {
      throw new InvalidRequestException(field + ".content", field + ".content is required");
    }
    return new Message(
        Role.parse(field + ".role", role),
        content,
        id,
        instant(field + ".timestamp", timestamp),
        name);
  }

  static @Nullable Instant instant(String field, @Nullable String value) {
    if (value == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidRequestException(
          field,
          field
              + " must be an ISO-8601 time with offset, like 2024-05-01T10:00:00Z; got '"
              + value
              + "'");
    }
  }
}
