package dev.attune.connect;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The framework-neutral shapes of a conversation as the integrations hand it to Attune. */
public final class Turns {
  private Turns() {}

  /** The largest context budget Attune takes, in tokens (the API's and the engine's limit). */
  public static final int MAX_BUDGET_TOKENS = 1_000_000;

  /**
   * Checks an integration's configured budget when it is configured, not at every call: a budget
   * Attune refuses would otherwise fail each chat's context with only a warning in the log.
   *
   * @throws IllegalArgumentException naming {@code name} unless 1 <= tokens <= {@link
   *     #MAX_BUDGET_TOKENS}
   */
  public static int checkBudget(String name, int tokens) {
    if (tokens < 1 || tokens > MAX_BUDGET_TOKENS) {
      throw new IllegalArgumentException(
          name + " must be within 1.." + MAX_BUDGET_TOKENS + " tokens; got " + tokens);
    }
    return tokens;
  }

  /** Who said a turn. */
  public enum Speaker {
    USER,
    ASSISTANT,
    SYSTEM
  }

  /**
   * One message of a conversation.
   *
   * @param id stable across retries when the framework can make it so (Attune skips ids it has)
   * @param contextId on an assistant's reply: the pack its prompt held
   */
  public record Turn(
      Speaker speaker, String text, @Nullable String id, @Nullable String contextId) {
    public Turn {
      Objects.requireNonNull(speaker, "speaker");
      Objects.requireNonNull(text, "text");
    }

    public static Turn user(String text) {
      return new Turn(Speaker.USER, text, null, null);
    }

    public static Turn assistant(String text) {
      return new Turn(Speaker.ASSISTANT, text, null, null);
    }
  }

  /**
   * What a context is asked for.
   *
   * @param userId whose context
   * @param sessionId the conversation, when the framework knows it
   * @param query the user's latest message
   * @param conversation the messages the prompt holds already (Attune leaves them out of the pack)
   * @param maxTokens the budget; null: Attune's default (1,000)
   */
  public record Request(
      String userId,
      @Nullable String sessionId,
      @Nullable String query,
      List<Turn> conversation,
      @Nullable Integer maxTokens) {
    public Request {
      Objects.requireNonNull(userId, "userId");
      conversation = List.copyOf(conversation);
    }

    public static Request of(String userId, @Nullable String sessionId, @Nullable String query) {
      return new Request(userId, sessionId, query, List.of(), null);
    }
  }
}
