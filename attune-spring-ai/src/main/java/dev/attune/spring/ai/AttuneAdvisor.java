package dev.attune.spring.ai;

import dev.attune.connect.AttuneMemory;
import dev.attune.connect.Turns;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.client.ChatClientMessageAggregator;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.MessageType;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.core.Ordered;
import reactor.core.publisher.Flux;

/**
 * Attune in a Spring AI {@code ChatClient}: before the call the user's context goes into the system
 * prompt; after it (for a stream, once the stream has completed) the user's message and the reply
 * are observed, the reply carrying the pack's {@code context_id}. The user and the session come
 * from advisor parameters:
 *
 * <pre>{@code
 * chatClient.prompt()
 *     .user("Any ideas for dinner?")
 *     .advisors(a -> a.param(AttuneAdvisor.USER_ID, "ann").param(AttuneAdvisor.SESSION_ID, "chat-1"))
 *     .call().content();
 * }</pre>
 *
 * A call without a user passes through untouched. When Attune fails, the call goes on without
 * context and nothing is observed: memory never breaks a chat.
 */
public final class AttuneAdvisor implements CallAdvisor, StreamAdvisor {
  /** Advisor parameter: the user (required for anything to happen). */
  public static final String USER_ID = "attune.user_id";

  /** Advisor parameter: the conversation's id (optional). */
  public static final String SESSION_ID = "attune.session_id";

  /** Before chat memory advisors (they run at {@code HIGHEST_PRECEDENCE + 1000}). */
  public static final int DEFAULT_ORDER = Ordered.HIGHEST_PRECEDENCE + 900;

  private static final System.Logger LOG = System.getLogger(AttuneAdvisor.class.getName());

  private final AttuneMemory memory;
  private final @Nullable Integer maxTokens;
  private final int order;

  private AttuneAdvisor(AttuneMemory memory, @Nullable Integer maxTokens, int order) {
    this.memory = memory;
    this.maxTokens = maxTokens;
    this.order = order;
  }

  /** With Attune's default budget (1,000 tokens). */
  public static AttuneAdvisor of(AttuneMemory memory) {
    return new AttuneAdvisor(Objects.requireNonNull(memory, "memory"), null, DEFAULT_ORDER);
  }

  /** The same advisor with another context budget, in tokens (1..1,000,000). */
  public AttuneAdvisor withMaxTokens(int tokens) {
    return new AttuneAdvisor(memory, Turns.checkBudget("maxTokens", tokens), order);
  }

  /** The same advisor at another place in the chain. */
  public AttuneAdvisor withOrder(int order) {
    return new AttuneAdvisor(memory, maxTokens, order);
  }

  @Override
  public String getName() {
    return "AttuneAdvisor";
  }

  @Override
  public int getOrder() {
    return order;
  }

  @Override
  public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
    Prepared p = prepare(request);
    ChatClientResponse response = chain.nextCall(p.request());
    remember(p, response);
    return response;
  }

  @Override
  public Flux<ChatClientResponse> adviseStream(
      ChatClientRequest request, StreamAdvisorChain chain) {
    Prepared p = prepare(request);
    // The stream reaches the caller chunk by chunk; the whole reply is observed at its end.
    return new ChatClientMessageAggregator()
        .aggregateChatClientResponse(chain.nextStream(p.request()), whole -> remember(p, whole));
  }

  /** The request with context, and what to observe afterwards. */
  private record Prepared(
      ChatClientRequest request,
      @Nullable String user,
      @Nullable String session,
      @Nullable String userText,
      @Nullable String contextId) {}

  private Prepared prepare(ChatClientRequest request) {
    String user = parameter(request, USER_ID);
    String session = parameter(request, SESSION_ID);
    UserMessage userMessage = request.prompt().getUserMessage();
    String userText = userMessage == null ? null : userMessage.getText();
    if (user == null || userText == null || userText.isBlank()) {
      return new Prepared(request, null, null, null, null);
    }
    try {
      AttuneMemory.Recall recall =
          memory.recall(
              new Turns.Request(
                  user, session, userText, conversation(request.prompt()), maxTokens));
      if (recall.isEmpty()) {
        return new Prepared(request, user, session, userText, recall.contextId());
      }
      Prompt prompt =
          request.prompt().augmentSystemMessage(system -> withContext(system, recall.context()));
      return new Prepared(
          request.mutate().prompt(prompt).build(), user, session, userText, recall.contextId());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "Attune: no context for this call: " + e);
      return new Prepared(request, null, null, null, null);
    }
  }

  private void remember(Prepared p, @Nullable ChatClientResponse response) {
    String reply = replyText(response);
    if (p.user() == null || p.userText() == null || reply == null || reply.isBlank()) {
      return;
    }
    String id = "sa-" + UUID.randomUUID();
    try {
      memory.remember(
          p.user(),
          p.session(),
          List.of(
              new Turns.Turn(Turns.Speaker.USER, p.userText(), id, null),
              new Turns.Turn(Turns.Speaker.ASSISTANT, reply, id + "-r", p.contextId())));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "Attune: could not observe this exchange: " + e);
    }
  }

  private static SystemMessage withContext(SystemMessage system, String context) {
    String text = system.getText();
    return system
        .mutate()
        .text(text == null || text.isBlank() ? context : text + "\n\n" + context)
        .build();
  }

  private static @Nullable String replyText(@Nullable ChatClientResponse response) {
    ChatResponse chat = response == null ? null : response.chatResponse();
    if (chat == null || chat.getResult() == null) {
      return null;
    }
    AssistantMessage out = chat.getResult().getOutput();
    return out == null ? null : out.getText();
  }

  private static List<Turns.Turn> conversation(Prompt prompt) {
    List<Turns.Turn> out = new ArrayList<>();
    for (Message m : prompt.getInstructions()) {
      String text = m.getText();
      if (text == null || text.isBlank()) {
        continue;
      }
      Turns.Speaker speaker =
          m.getMessageType() == MessageType.USER
              ? Turns.Speaker.USER
              : m.getMessageType() == MessageType.ASSISTANT
                  ? Turns.Speaker.ASSISTANT
                  : m.getMessageType() == MessageType.SYSTEM ? Turns.Speaker.SYSTEM : null;
      if (speaker != null) {
        out.add(new Turns.Turn(speaker, text, null, null));
      }
    }
    return out;
  }

  private static @Nullable String parameter(ChatClientRequest request, String name) {
    Object v = request.context().get(name);
    return v == null ? null : v.toString();
  }
}
