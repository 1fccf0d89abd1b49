package dev.attune.langchain4j;

import dev.attune.connect.AttuneMemory;
import dev.attune.connect.Turns;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.observability.api.event.AiServiceResponseReceivedEvent;
import dev.langchain4j.observability.api.listener.AiServiceResponseReceivedListener;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Attune in a LangChain4j AI service. The user is the service method's {@code @MemoryId}:
 *
 * <pre>{@code
 * AttuneLangChain4j attune = AttuneLangChain4j.builder(AttuneMemory.embedded(engine, tenant)).build();
 * Assistant assistant = AiServices.builder(Assistant.class)
 *     .chatModel(model)
 *     .contentRetriever(attune.contentRetriever())   // the user's context, for each call
 *     .registerListener(attune.listener())           // each exchange observed afterwards
 *     .build();
 * assistant.chat("ann", "Any ideas for dinner?");     // String chat(@MemoryId String user, @UserMessage String text)
 * }</pre>
 *
 * <p>The retriever's content is Attune's pack (framed as data), which LangChain4j's default
 * injector appends to the user message. The listener observes the user's message and the final
 * reply (not the tool-calling steps), with ids derived from the AI service invocation so that
 * nothing is stored twice, and the reply carries the pack's {@code context_id}. When Attune fails,
 * the call goes on without context and nothing is observed: memory never breaks a chat.
 */
public final class AttuneLangChain4j {
  private static final System.Logger LOG = System.getLogger(AttuneLangChain4j.class.getName());

  /** Invocations retrieved for and not yet answered (bounded: an abandoned call is forgotten). */
  private static final int MAX_PENDING = 10_000;

  private final AttuneMemory memory;
  private final Function<Object, @Nullable String> userOf;
  private final Function<Object, @Nullable String> sessionOf;
  private final @Nullable Integer maxTokens;
  private final Map<UUID, Retrieved> pending =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Retrieved> eldest) {
          return size() > MAX_PENDING;
        }
      };

  /** What the retriever did for one invocation: the user's own text and the pack's id. */
  private record Retrieved(String userText, @Nullable String contextId) {}

  private AttuneLangChain4j(Builder b) {
    this.memory = b.memory;
    this.userOf = b.userOf;
    this.sessionOf = b.sessionOf;
    this.maxTokens = b.maxTokens;
  }

  public static Builder builder(AttuneMemory memory) {
    return new Builder(memory);
  }

  /** The retriever to give {@code AiServices.builder(..).contentRetriever(..)}. */
  public ContentRetriever contentRetriever() {
    return this::retrieve;
  }

  /** The listener to give {@code AiServices.builder(..).registerListener(..)}. */
  public AiServiceResponseReceivedListener listener() {
    return this::observe;
  }

  private List<Content> retrieve(Query query) {
    var metadata = query.metadata();
    Object memoryId = metadata == null ? null : metadata.chatMemoryId();
    String user = memoryId == null ? null : userOf.apply(memoryId);
    if (user == null) {
      return List.of();
    }
    try {
      AttuneMemory.Recall recall =
          memory.recall(
              new Turns.Request(
                  user,
                  sessionOf.apply(memoryId),
                  query.text(),
                  conversation(metadata.chatMemory()),
                  maxTokens));
      InvocationContext invocation = metadata.invocationContext();
      if (invocation != null && invocation.invocationId() != null) {
        synchronized (pending) {
          pending.put(invocation.invocationId(), new Retrieved(query.text(), recall.contextId()));
        }
      }
      return recall.isEmpty() ? List.of() : List.of(Content.from(recall.context()));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "Attune: no context for this call: " + e);
      return List.of();
    }
  }

  private void observe(AiServiceResponseReceivedEvent event) {
    AiMessage reply = event.response() == null ? null : event.response().aiMessage();
    if (reply == null || reply.hasToolExecutionRequests() || reply.text() == null) {
      return; // a step of a tool-calling loop: the final answer comes later
    }
    InvocationContext invocation = event.invocationContext();
    Object memoryId = invocation == null ? null : invocation.chatMemoryId();
    String user = memoryId == null ? null : userOf.apply(memoryId);
    if (user == null) {
      return;
    }
    Retrieved retrieved;
    synchronized (pending) {
      retrieved =
          invocation.invocationId() == null ? null : pending.remove(invocation.invocationId());
    }
    // Without a retrieval the request's last user message is the user's own text; with one it
    // holds the injected context too, so the text the retriever saw is used instead.
    String userText = retrieved != null ? retrieved.userText() : lastUserText(event);
    String base = "lc-" + invocation.invocationId();
    List<Turns.Turn> turns = new ArrayList<>(2);
    if (userText != null && !userText.isBlank()) {
      turns.add(new Turns.Turn(Turns.Speaker.USER, userText, base, null));
    }
    turns.add(
        new Turns.Turn(
            Turns.Speaker.ASSISTANT,
            reply.text(),
            base + "-r",
            retrieved == null ? null : retrieved.contextId()));
    try {
      memory.remember(user, sessionOf.apply(memoryId), turns);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "Attune: could not observe this exchange: " + e);
    }
  }

  private static @Nullable String lastUserText(AiServiceResponseReceivedEvent event) {
    List<ChatMessage> messages = event.request() == null ? List.of() : event.request().messages();
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i) instanceof UserMessage u && u.hasSingleText()) {
        return u.singleText();
      }
    }
    return null;
  }

  private static List<Turns.Turn> conversation(@Nullable List<ChatMessage> messages) {
    if (messages == null) {
      return List.of();
    }
    List<Turns.Turn> out = new ArrayList<>(messages.size());
    for (ChatMessage m : messages) {
      if (m instanceof UserMessage u && u.hasSingleText()) {
        out.add(Turns.Turn.user(u.singleText()));
      } else if (m instanceof AiMessage a && a.text() != null) {
        out.add(Turns.Turn.assistant(a.text()));
      } else if (m instanceof SystemMessage s) {
        out.add(new Turns.Turn(Turns.Speaker.SYSTEM, s.text(), null, null));
      }
    }
    return out;
  }

  /** How the integration finds the user and the session, and the budget. */
  public static final class Builder {
    private final AttuneMemory memory;
    private Function<Object, @Nullable String> userOf = Builder::defaultUser;
    private Function<Object, @Nullable String> sessionOf = id -> null;
    private @Nullable Integer maxTokens;

    private Builder(AttuneMemory memory) {
      this.memory = Objects.requireNonNull(memory, "memory");
    }

    /**
     * The user for a chat memory id (the {@code @MemoryId} argument); null means no user: no
     * context, nothing observed. Default: the id as a string, except LangChain4j's {@code
     * "default"} (a service without {@code @MemoryId} would share one user between everyone).
     */
    public Builder userOf(Function<Object, @Nullable String> userOf) {
      this.userOf = Objects.requireNonNull(userOf, "userOf");
      return this;
    }

    /** The session for a chat memory id; default none (Attune groups by time). */
    public Builder sessionOf(Function<Object, @Nullable String> sessionOf) {
      this.sessionOf = Objects.requireNonNull(sessionOf, "sessionOf");
      return this;
    }

    /** The context budget in tokens, 1..1,000,000; default Attune's (1,000). */
    public Builder maxTokens(int maxTokens) {
      this.maxTokens = Turns.checkBudget("maxTokens", maxTokens);
      return this;
    }

    public AttuneLangChain4j build() {
      return new AttuneLangChain4j(this);
    }

    private static @Nullable String defaultUser(Object memoryId) {
      String id = memoryId.toString();
      return "default".equals(id) ? null : id;
    }
  }
}
