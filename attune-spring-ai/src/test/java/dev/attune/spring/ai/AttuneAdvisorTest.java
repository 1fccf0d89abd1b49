package dev.attune.spring.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.attune.connect.AttuneMemory;
import dev.attune.core.Attune;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.model.Episode;
import dev.attune.core.model.Message;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.EpisodeQuery;
import dev.attune.core.testing.HashingEmbedder;
import dev.attune.core.testing.InMemoryStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.core.publisher.Flux;

/**
 * The advisor in a real {@code ChatClient} over a chat model that records its prompts: the system
 * prompt holds the user's context; the exchange is observed once, whole and streamed (the stream
 * reaches the caller in its chunks); a call without a user passes through.
 */
class AttuneAdvisorTest {
  static final TenantId TENANT = TenantId.of("shop");
  static final String REPLY = "A chickpea curry: no meat, ready in 25 minutes.";

  final List<Prompt> prompts = new CopyOnWriteArrayList<>();
  final ChatModel model =
      new ChatModel() {
        @Override
        public ChatResponse call(Prompt prompt) {
          prompts.add(prompt);
          return new ChatResponse(List.of(new Generation(new AssistantMessage(REPLY))));
        }

        @Override
        public Flux<ChatResponse> stream(Prompt prompt) {
          prompts.add(prompt);
          return Flux.just("A chickpea curry", ": no meat, ", "ready in 25 minutes.")
              .map(t -> new ChatResponse(List.of(new Generation(new AssistantMessage(t)))));
        }
      };

  InMemoryStore store;
  Attune engine;
  ChatClient client;

  @BeforeEach
  void start() {
    store = new InMemoryStore();
    engine = Attune.builder().store(store).embedder(new HashingEmbedder()).build();
    engine.observe(
        ObserveRequest.builder(TENANT, UserId.of("ann"))
            .sessionId("earlier")
            .messages(List.of(Message.user("I'm vegetarian.")))
            .build());
    client =
        ChatClient.builder(model)
            .defaultSystem("You are a helpful cook.")
            .defaultAdvisors(AttuneAdvisor.of(AttuneMemory.embedded(engine, TENANT)))
            .build();
  }

  @AfterEach
  void stop() {
    engine.close();
  }

  long stored(String text) {
    return store.episodes(TENANT, UserId.of("ann"), EpisodeQuery.all()).stream()
        .map(Episode::content)
        .filter(text::equals)
        .count();
  }

  @Test
  void theSystemPromptHoldsTheUsersContextAndTheExchangeIsObserved() {
    String answer =
        client
            .prompt()
            .user("Any ideas for a vegetarian dinner tonight?")
            .advisors(
                a -> a.param(AttuneAdvisor.USER_ID, "ann").param(AttuneAdvisor.SESSION_ID, "c1"))
            .call()
            .content();

    assertThat(answer).isEqualTo(REPLY);
    String system = prompts.get(0).getSystemMessage().getText();
    assertThat(system).startsWith("You are a helpful cook.").contains("User is vegetarian.");
    assertThat(prompts.get(0).getUserMessage().getText())
        .isEqualTo("Any ideas for a vegetarian dinner tonight?");
    await().atMost(Duration.ofSeconds(20)).until(() -> stored(REPLY) == 1);
    assertThat(stored("Any ideas for a vegetarian dinner tonight?")).isEqualTo(1);
  }

  @Test
  void aStreamReachesTheCallerInChunksAndIsObservedWholeOnce() {
    List<String> chunks =
        client
            .prompt()
            .user("Any ideas for a vegetarian dinner tonight?")
            .advisors(a -> a.param(AttuneAdvisor.USER_ID, "ann"))
            .stream()
            .content()
            .collectList()
            .block();

    assertThat(chunks).hasSize(3);
    assertThat(String.join("", chunks)).isEqualTo(REPLY);
    assertThat(prompts.get(0).getSystemMessage().getText()).contains("vegetarian");
    await().atMost(Duration.ofSeconds(20)).until(() -> stored(REPLY) == 1);
  }

  @Test
  void withoutAUserTheCallPassesThrough() {
    client.prompt().user("Any ideas for a vegetarian dinner tonight?").call().content();

    assertThat(prompts.get(0).getSystemMessage().getText()).isEqualTo("You are a helpful cook.");
    assertThat(stored(REPLY)).isZero();
  }

  /** A budget Attune would refuse at every call is refused once, when the advisor is made. */
  @Test
  void aBudgetAttuneRefusesIsRefusedWhenConfigured() {
    AttuneAdvisor advisor = AttuneAdvisor.of(AttuneMemory.embedded(engine, TENANT));
    for (int tokens : new int[] {0, -1, 1_000_001}) {
      assertThatThrownBy(() -> advisor.withMaxTokens(tokens))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("maxTokens must be within 1..1000000 tokens; got " + tokens);
    }
    assertThat(advisor.withMaxTokens(1)).isNotNull();
    // The same limit as the engine's own.
    assertThat(dev.attune.connect.Turns.MAX_BUDGET_TOKENS)
        .isEqualTo(dev.attune.core.model.Limits.MAX_BUDGET_TOKENS);
  }
}
