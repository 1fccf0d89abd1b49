package dev.attune.connect;

import dev.attune.api.ContextQuery;
import dev.attune.api.MessageBody;
import dev.attune.api.Pack;
import dev.attune.client.AttuneClient;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** {@link AttuneMemory} over the HTTP API. */
final class RemoteMemory implements AttuneMemory {
  private final AttuneClient client;

  RemoteMemory(AttuneClient client) {
    this.client = client;
  }

  @Override
  public Recall recall(Turns.Request request) {
    Pack pack =
        client.context(
            new ContextQuery(
                request.userId(),
                null,
                request.query(),
                request.maxTokens(),
                request.sessionId(),
                request.conversation().isEmpty()
                    ? null
                    : request.conversation().stream().map(RemoteMemory::body).toList(),
                null,
                null,
                null,
                null,
                null,
                null));
    return new Recall(pack.context(), pack.contextId(), pack.tokens());
  }

  @Override
  public void remember(String userId, @Nullable String sessionId, List<Turns.Turn> turns) {
    client.observe(userId, null, sessionId, turns.stream().map(RemoteMemory::body).toList());
  }

  private static MessageBody body(Turns.Turn t) {
    return new MessageBody(
        t.speaker().name().toLowerCase(Locale.ROOT), t.text(), t.id(), null, null, t.contextId());
  }
}
