package dev.attune.connect;

import dev.attune.core.Attune;
import dev.attune.core.api.ContextPack;
import dev.attune.core.api.ContextRequest;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.model.Message;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@link AttuneMemory} over the engine in this process. */
final class EmbeddedMemory implements AttuneMemory {
  private final Attune attune;
  private final TenantId tenant;

  EmbeddedMemory(Attune attune, TenantId tenant) {
    this.attune = attune;
    this.tenant = tenant;
  }

  @Override
  public Recall recall(Turns.Request request) {
    ContextRequest.Builder builder =
        ContextRequest.builder(tenant, UserId.of(request.userId()))
            .sessionId(request.sessionId())
            .query(request.query())
            .conversation(request.conversation().stream().map(EmbeddedMemory::message).toList());
    if (request.maxTokens() != null) {
      builder.maxTokens(request.maxTokens());
    }
    ContextPack pack = attune.context(builder.build());
    return new Recall(pack.context(), pack.contextId(), pack.tokens());
  }

  @Override
  public void remember(String userId, @Nullable String sessionId, List<Turns.Turn> turns) {
    attune.submit(
        ObserveRequest.builder(tenant, UserId.of(userId))
            .sessionId(sessionId)
            .messages(turns.stream().map(EmbeddedMemory::message).toList())
            .build());
  }

  private static Message message(Turns.Turn t) {
    Role role =
        switch (t.speaker()) {
          case USER -> Role.USER;
          case ASSISTANT -> Role.ASSISTANT;
          case SYSTEM -> Role.SYSTEM;
        };
    return new Message(role, t.text(), t.id(), null, null, t.contextId());
  }
}
