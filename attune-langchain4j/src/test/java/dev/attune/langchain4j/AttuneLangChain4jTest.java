package dev.attune.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.attune.client.AttuneClient;
import dev.attune.connect.AttuneMemory;
import dev.attune.core.Attune;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.model.Episode;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.Message;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.EpisodeQuery;
import dev.attune.core.port.MemoryStore;
import dev.attune.core.testing.HashingEmbedder;
import dev.attune.core.testing.InMemoryStore;
import dev.attune.server.http.ScriptedUpstream;
import dev.attune.server.http.TestServer;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A LangChain4j AI service whose OpenAI chat model talks to a scripted OpenAI server: the model
 * sees the user's context; the exchange is observed once, with the pack's context id on the reply;
 * over the embedded engine and over the HTTP API; a service without a user gets no context.
 */
class AttuneLangChain4jTest {
  static final TenantId TENANT = TenantId.of("shop");
  static ScriptedUpstream model;

  interface Assistant {
    String chat(@MemoryId String user, @UserMessage String text);
  }

  interface Anonymous {
    String chat(String text);
  }

  @BeforeAll
  static void start() throws Exception {
    model = new ScriptedUpstream();
  }

  @AfterAll
  static void stop() {
    model.close();
  }

  static OpenAiChatModel chatModel() {
    return OpenAiChatModel.builder()
        .baseUrl(model.url())
        .apiKey("sk-test")
        .modelName("gpt-4o-mini")
        .maxRetries(0)
        .build();
  }

  static Assistant assistant(AttuneLangChain4j attune) {
    return AiServices.builder(Assistant.class)
        .chatModel(chatModel())
        .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(10))
        .contentRetriever(attune.contentRetriever())
        .registerListener(attune.listener())
        .build();
  }

  static void seed(Attune attune) {
    attune.observe(
        ObserveRequest.builder(TENANT, UserId.of("ann"))
            .sessionId("earlier")
            .messages(List.of(Message.user("I'm vegetarian.")))
            .build());
  }

  static List<Episode> episodes(MemoryStore store, String user) {
    return store.episodes(TENANT, UserId.of(user), EpisodeQuery.all());
  }

  static void assertObservedOnce(MemoryStore store) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                episodes(store, "ann").stream()
                    .anyMatch(e -> e.content().equals(ScriptedUpstream.REPLY)));
    List<Episode> ann = episodes(store, "ann");
    assertThat(ann).filteredOn(e -> e.content().equals(ScriptedUpstream.REPLY)).hasSize(1);
    // The user's own words are stored, never the context injected into the prompt.
    assertThat(ann)
        .filteredOn(e -> e.content().equals("Any ideas for a vegetarian dinner tonight?"))
        .hasSize(1);
    assertThat(ann).noneMatch(e -> e.content().contains("User is vegetarian."));
  }

  @Test
  void anAiServiceOverTheEmbeddedEngineGetsTheUsersContextAndIsObserved() {
    InMemoryStore store = new InMemoryStore();
    try (Attune engine = Attune.builder().store(store).embedder(new HashingEmbedder()).build()) {
      seed(engine);
      AttuneLangChain4j attune =
          AttuneLangChain4j.builder(AttuneMemory.embedded(engine, TENANT))
              .sessionOf(id -> "chat-" + id)
              .maxTokens(300)
              .build();

      String answer = assistant(attune).chat("ann", "Any ideas for a vegetarian dinner tonight?");

      assertThat(answer).isEqualTo(ScriptedUpstream.REPLY);
      assertThat(lastRequest()).contains("User is vegetarian.");
      assertObservedOnce(store);
      // The reply carried the pack's context id: its utilization was measured.
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  engine.effects().contextRecords(TENANT, UserId.of("ann"), 1).get(0).utilization()
                      != null);
    }
  }

  @Test
  void anAiServiceOverTheHttpApiGetsTheUsersContextAndIsObserved() throws Exception {
    // A cold first context can pass the server's 100 ms default and come back degraded.
    try (TestServer server =
        new TestServer(Map.of("context_timeout_ms", "10000"), new HashingEmbedder())) {
      seed(server.attune);
      AttuneClient client =
          AttuneClient.builder()
              .baseUrl(server.uri("/").toString())
              .apiKey(server.key("shop", KeyRole.SERVICE))
              .build();
      AttuneLangChain4j attune =
          AttuneLangChain4j.builder(AttuneMemory.remote(client))
              .sessionOf(id -> "chat-" + id)
              .build();

      String answer = assistant(attune).chat("ann", "Any ideas for a vegetarian dinner tonight?");

      assertThat(answer).isEqualTo(ScriptedUpstream.REPLY);
      assertThat(lastRequest()).contains("User is vegetarian.");
      assertObservedOnce(server.store);
    }
  }

  @Test
  void aServiceWithoutAMemoryIdSharesNoUsersContext() {
    InMemoryStore store = new InMemoryStore();
    try (Attune engine = Attune.builder().store(store).embedder(new HashingEmbedder()).build()) {
      seed(engine);
      AttuneLangChain4j attune =
          AttuneLangChain4j.builder(AttuneMemory.embedded(engine, TENANT)).build();
      Anonymous anonymous =
          AiServices.builder(Anonymous.class)
              .chatModel(chatModel())
              .contentRetriever(attune.contentRetriever())
              .registerListener(attune.listener())
              .build();

      assertThat(anonymous.chat("Any ideas for a vegetarian dinner tonight?"))
          .isEqualTo(ScriptedUpstream.REPLY);
      assertThat(lastRequest())
          .doesNotContain("User is vegetarian.")
          .doesNotContain("I'm vegetarian");
      assertThat(episodes(store, "default")).isEmpty();
    }
  }

  static String lastRequest() {
    return model.seen.get(model.seen.size() - 1).body();
  }

  /** A budget Attune would refuse at every call is refused once, when the integration is built. */
  @Test
  void aBudgetAttuneRefusesIsRefusedWhenConfigured() {
    Attune engine =
        Attune.builder().store(new InMemoryStore()).embedder(new HashingEmbedder()).build();
    try (engine) {
      AttuneLangChain4j.Builder builder =
          AttuneLangChain4j.builder(AttuneMemory.embedded(engine, TENANT));
      for (int tokens : new int[] {0, -1, 1_000_001}) {
        assertThatThrownBy(() -> builder.maxTokens(tokens))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("maxTokens must be within 1..1000000 tokens; got " + tokens);
      }
      assertThat(builder.maxTokens(1).build()).isNotNull();
    }
  }
}
