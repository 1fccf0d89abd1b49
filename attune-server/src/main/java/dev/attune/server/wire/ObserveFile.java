package dev.attune.server.wire;

import dev.attune.core.model.Message;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The input of {@code attune observe --file}: {@code {"messages": [...], "session_id"?}}. */
public record ObserveFile(@Nullable List<MessageIn> messages, @Nullable String sessionId) {
  public List<Message> toMessages() {
    return Wire.messages(messages);
  }
}
