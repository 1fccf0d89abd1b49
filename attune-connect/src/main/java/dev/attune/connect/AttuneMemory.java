package dev.attune.connect;

import dev.attune.client.AttuneClient;
import dev.attune.core.Attune;
import dev.attune.core.model.TenantId;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a framework integration needs from Attune, the same over the embedded engine and over the
 * HTTP API: the context for a user's turn, and observing the exchange afterwards. The framework
 * modules (Spring AI, LangChain4j) are written against this, so that an application switches
 * between embedding Attune and calling a shared service by configuration alone.
 */
public interface AttuneMemory {
  /** The context for a user's turn (an empty context when there is nothing to say). */
  Recall recall(Turns.Request request);

  /**
   * Hands the exchange to Attune to learn from, durably and without waiting for learning. Messages
   * with ids Attune has already stored are skipped, so a retried exchange is stored once.
   */
  void remember(String userId, @Nullable String sessionId, List<Turns.Turn> turns);

  /** Over an engine in this process, for one tenant. */
  static AttuneMemory embedded(Attune attune, TenantId tenant) {
    return new EmbeddedMemory(Objects.requireNonNull(attune, "attune"), tenant);
  }

  /** Over a remote Attune service (its tenant is the client key's). */
  static AttuneMemory remote(AttuneClient client) {
    return new RemoteMemory(Objects.requireNonNull(client, "client"));
  }

  /**
   * A context for one turn.
   *
   * @param context the text to put in the system prompt, framed as data; empty when there is none
   * @param contextId the pack's id, to send back with the assistant's reply; null when context
   *     records are off
   * @param tokens tokens of {@code context}
   */
  record Recall(String context, @Nullable String contextId, int tokens) {
    public Recall {
      Objects.requireNonNull(context, "context");
    }

    public boolean isEmpty() {
      return context.isEmpty();
    }
  }
}
