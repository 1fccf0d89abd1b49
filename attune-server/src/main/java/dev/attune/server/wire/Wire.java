package dev.attune.server.wire;

import dev.attune.core.InvalidRequestException;
import dev.attune.core.model.Message;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Conversions shared by request records. */
public final class Wire {
  private Wire() {}

  /** The messages of a request, each checked, errors naming {@code messages[i].field}. */
  public static List<Message> messages(@Nullable List<MessageIn> messages) {
    if (messages == null) {
      throw new InvalidRequestException("messages", "messages is required");
    }
    List<Message> out = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      MessageIn m = messages.get(i);
      if (m == null) {
        throw new InvalidRequestException(
            "messages[" + i + "]", "messages[" + i + "] must be an object");
      }
      out.add(m.toMessage("messages[" + i + "]"));
    }
    return out;
  }
}
