package dev.attune.core;

import dev.attune.core.model.Message;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Checks an observe call before anything is written; errors name the field on the wire. */
final class ObserveValidation {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@+\\-]{1,128}");
  private static final int MAX_NAME_CHARS = 128;

  private ObserveValidation() {}

  static void check(@Nullable String sessionId, @Nullable List<Message> messages) {
    if (sessionId != null && !ID.matcher(sessionId).matches()) {
      throw new InvalidRequestException(
          "session_id", "session_id must be 1-128 characters of letters, digits and . _ : @ + -");
    }
    if (messages == null || messages.isEmpty()) {
      throw new InvalidRequestException("messages", "messages must not be empty");
    }
    if (messages.size() > Limits.MAX_MESSAGES_PER_OBSERVE) {
      throw new InvalidRequestException(
          "messages",
          "messages has "
              + messages.size()
              + " entries; at most "
              + Limits.MAX_MESSAGES_PER_OBSERVE
              + " per call");
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      String field = "messages[" + i + "]";
      if (m == null) {
        throw new InvalidRequestException(field, field + " must not be null");
      }
      if (m.content().isBlank()) {
        throw new InvalidRequestException(field + ".content", field + ".content must not be empty");
      }
      if (m.content().length() > Limits.MAX_MESSAGE_CHARS) {
        throw new InvalidRequestException(
            field + ".content",
            field
                + ".content is "
                + m.content().length()
                + " characters; at most "
                + Limits.MAX_MESSAGE_CHARS);
      }
      if (m.id() != null) {
        if (!ID.matcher(m.id()).matches()) {
          throw new InvalidRequestException(
              field + ".id",
              field + ".id must be 1-128 characters of letters, digits and . _ : @ + -");
        }
        if (!ids.add(m.id())) {
          throw new InvalidRequestException(
              field + ".id", field + ".id '" + m.id() + "' appears twice in this call");
        }
      }
      if (m.name() != null && (m.name().isBlank() || m.name().length() > MAX_NAME_CHARS)) {
        throw new InvalidRequestException(
            field + ".name", field + ".name must be 1-" + MAX_NAME_CHARS + " characters");
      }
    }
  }
}
