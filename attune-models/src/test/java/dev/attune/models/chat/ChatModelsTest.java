package dev.attune.models.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.core.model.Category;
import dev.attune.core.model.Episode;
import dev.attune.core.model.ExtractionException;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.Provenance;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.Candidate;
import dev.attune.core.port.ConsolidationJudge;
import dev.attune.core.port.ExtractionRequest;
import dev.attune.core.port.Summarizer;
import dev.attune.core.port.UsageMeter;
import dev.attune.models.testing.ScriptedModelServer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The chat-model adapters against a local server speaking the providers' wire formats. */
class ChatModelsTest {
  static final TenantId T = TenantId.of("acme-app");
  static final UserId ALICE = UserId.of("alice");
  static final Instant AT = Instant.parse("2025-03-01T09:00:00Z");

  final ScriptedModelServer server = newServer();
  final List<UsageMeter.ModelCall> calls = new CopyOnWriteArrayList<>();
  final List<Duration> waits = new CopyOnWriteArrayList<>();

  static ScriptedModelServer newServer() {
    try {
      return new ScriptedModelServer();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private ChatModels models(LlmSettings.Provider provider, Duration timeout) {
    LlmSettings settings =
        new LlmSettings(
            provider,
            server.baseUrl(),
            provider == LlmSettings.Provider.OPENAI ? "gpt-test" : "claude-test",
            "sk-test-key",
            timeout,
            3,
            Duration.ofSeconds(30));
    return new ChatModels(new StructuredChat(settings, calls::add, waits::add));
  }

  private ChatModels openAi() {
    return models(LlmSettings.Provider.OPENAI, Duration.ofSeconds(10));
  }

  private static Episode said(String id, Role role, String text) {
    return new Episode(id, ALICE, role, null, text, "s1", AT, null);
  }

  private static ExtractionRequest conversation() {
    return new ExtractionRequest(
        T,
        ALICE,
        "Alice",
        List.of(
            said("m1", Role.USER, "Ich wohne seit März in Lissabon."),
            said("m2", Role.ASSISTANT, "Schön! Wie gefällt es dir?"),
            said("m3", Role.USER, "Sehr. I work as a nurse, by the way.")));
  }

  static final String TWO_FACTS =
      """
      {"facts": [
        {"text": "User wohnt in Lissabon.", "category": "location", "source_ids": ["m1"],
         "slot": "location", "value": "Lissabon", "replaces": "", "confidence": 0.9},
        {"text": "User works as a nurse.", "category": "role", "source_ids": ["m3", "m99"],
         "slot": "", "value": "", "replaces": "", "confidence": 1.4}
      ]}""";

  @Test
  void openAiExtractionSendsASchemaAndTheMessagesAsData() throws Exception {
    server.thenOpenAi(TWO_FACTS);

    List<Candidate> facts = openAi().extractor().extract(conversation());

    assertThat(facts)
        .extracting(Candidate::text)
        .containsExactly("User wohnt in Lissabon.", "User works as a nurse.");
    assertThat(facts.get(0).category()).isEqualTo(Category.LOCATION);
    assertThat(facts.get(0).slot()).isEqualTo("location");
    assertThat(facts.get(0).replaces()).isNull();
    // Ids the batch does not hold are dropped; confidence is clamped.
    assertThat(facts.get(1).sourceMessageIds()).containsExactly("m3");
    assertThat(facts.get(1).confidence()).isEqualTo(1.0);

    assertThat(server.received).hasSize(1);
    ScriptedModelServer.Received request = server.received.get(0);
    assertThat(request.path()).isEqualTo("/v1/chat/completions");
    assertThat(request.header("Authorization")).isEqualTo("Bearer sk-test-key");
    JsonNode body = ScriptedModelServer.JSON.readTree(request.body());
    assertThat(body.at("/model").asText()).isEqualTo("gpt-test");
    assertThat(body.at("/response_format/type").asText()).isEqualTo("json_schema");
    assertThat(body.at("/response_format/json_schema/strict").asBoolean()).isTrue();
    assertThat(body.at("/response_format/json_schema/schema/properties/facts").isObject()).isTrue();
    assertThat(body.at("/messages/0/role").asText()).isEqualTo("system");
    assertThat(body.at("/messages/0/content").asText()).contains("explicitly stated");
    // The conversation travels as JSON data in the user turn, not inside the instructions.
    String data = body.at("/messages/1/content").asText();
    assertThat(data).contains("\"id\":\"m1\"").contains("Ich wohne seit März in Lissabon.");
    assertThat(body.at("/messages/0/content").asText()).doesNotContain("Lissabon");

    assertThat(calls)
        .containsExactly(
            new UsageMeter.ModelCall(
                T, "extract", "openai:gpt-test", 120, 40, calls.get(0).latency(), true));
  }

  @Test
  void almostJsonIsRepairedWithoutAnotherCall() {
    server.thenOpenAi(
        """
        Sure! Here are the facts:
        ```json
        {facts: [{'text': 'User wohnt in Lissabon.', 'category': 'location',
          'source_ids': ['m1'], 'slot': '', 'value': '', 'replaces': '', 'confidence': 0.8,},],}
        ```""");

    assertThat(openAi().extractor().extract(conversation()))
        .extracting(Candidate::text)
        .containsExactly("User wohnt in Lissabon.");
    assertThat(server.received).hasSize(1);
  }

  @Test
  void anInvalidReplyIsAskedAgainWithTheProblemNamed() throws Exception {
    server
        .thenOpenAi("I could not find any facts, sorry.")
        .thenOpenAi(
            """
            {"facts": [{"text": "User is a nurse.", "category": "occupation", "source_ids": ["m3"],
              "slot": "", "value": "", "replaces": "", "confidence": 0.8}]}""")
        .thenOpenAi(TWO_FACTS);

    assertThat(openAi().extractor().extract(conversation())).hasSize(2);

    assertThat(server.received).hasSize(3);
    String second =
        ScriptedModelServer.JSON
            .readTree(server.received.get(1).body())
            .at("/messages/1/content")
            .asText();
    assertThat(second).contains("rejected: the reply holds no JSON object");
    String third =
        ScriptedModelServer.JSON
            .readTree(server.received.get(2).body())
            .at("/messages/1/content")
            .asText();
    assertThat(third).contains("facts[0].category 'occupation' is not one of");
    assertThat(calls).extracting(UsageMeter.ModelCall::ok).containsExactly(false, false, true);
  }

  @Test
  void aRateLimitIsWaitedOutForAsLongAsRetryAfterSays() {
    server.thenStatus(429, Map.of("Retry-After", "7")).thenOpenAi(TWO_FACTS);

    assertThat(openAi().extractor().extract(conversation())).hasSize(2);

    assertThat(waits).containsExactly(Duration.ofSeconds(7));
    assertThat(server.received).hasSize(2);
    assertThat(calls).extracting(UsageMeter.ModelCall::ok).containsExactly(false, true);
  }

  @Test
  void aRateLimitLongerThanTheMaximumWaitGivesTheBatchBackAtOnce() {
    server.thenStatus(429, Map.of("Retry-After", "3600"));

    assertThatThrownBy(() -> openAi().extractor().extract(conversation()))
        .isInstanceOf(ExtractionException.class)
        .hasMessageContaining("rate limited for 3600 s");
    assertThat(server.received).hasSize(1);
    assertThat(waits).isEmpty();
  }

  @Test
  void aTimedOutCallIsRetried() {
    server.thenSlowOpenAi(TWO_FACTS, 3000).thenOpenAi(TWO_FACTS);

    assertThat(
            models(LlmSettings.Provider.OPENAI, Duration.ofMillis(300))
                .extractor()
                .extract(conversation()))
        .hasSize(2);

    assertThat(server.received).hasSize(2);
    assertThat(calls).extracting(UsageMeter.ModelCall::ok).containsExactly(false, true);
  }

  @Test
  void aBatchThatKeepsFailingThrowsAfterTheBoundedAttempts() {
    server.thenOpenAi("nope").thenStatus(500, Map.of()).thenOpenAi("{\"facts\": 3}");

    assertThatThrownBy(() -> openAi().extractor().extract(conversation()))
        .isInstanceOf(ExtractionException.class)
        .hasMessageContaining("failed after 3 attempt(s)")
        .hasMessageContaining("\"facts\" must be an array");
    assertThat(server.received).hasSize(3);
    assertThat(calls).hasSize(3).noneMatch(UsageMeter.ModelCall::ok);
  }

  @Test
  void aRefusedKeyIsNotRetried() {
    server.thenStatus(401, Map.of());

    assertThatThrownBy(() -> openAi().extractor().extract(conversation()))
        .isInstanceOf(ExtractionException.class)
        .hasMessageContaining("refused the request (401)");
    assertThat(server.received).hasSize(1);
  }

  @Test
  void aBatchWithoutUserMessagesCostsNoCall() {
    ExtractionRequest onlyAssistant =
        new ExtractionRequest(T, ALICE, null, List.of(said("a1", Role.ASSISTANT, "Hello!")));

    assertThat(openAi().extractor().extract(onlyAssistant)).isEmpty();
    assertThat(server.received).isEmpty();
  }

  @Test
  void anthropicAnswersThroughAToolItMustCall() throws Exception {
    server.thenAnthropicTool("extract", TWO_FACTS);

    List<Candidate> facts =
        models(LlmSettings.Provider.ANTHROPIC, Duration.ofSeconds(10))
            .extractor()
            .extract(conversation());

    assertThat(facts).hasSize(2);
    ScriptedModelServer.Received request = server.received.get(0);
    assertThat(request.path()).isEqualTo("/v1/messages");
    assertThat(request.header("x-api-key")).isEqualTo("sk-test-key");
    assertThat(request.header("anthropic-version")).isNotBlank();
    JsonNode body = ScriptedModelServer.JSON.readTree(request.body());
    assertThat(body.at("/tools/0/name").asText()).isEqualTo("extract");
    assertThat(body.at("/tools/0/input_schema/properties/facts").isObject()).isTrue();
    assertThat(body.at("/tool_choice/type").asText()).isEqualTo("any");
    assertThat(body.at("/system").toString()).contains("explicitly stated");
    assertThat(calls.get(0).model()).isEqualTo("anthropic:claude-test");
    assertThat(calls.get(0).inputTokens()).isEqualTo(150);
    assertThat(calls.get(0).outputTokens()).isEqualTo(30);
  }

  @Test
  void anthropicTextInsteadOfTheToolIsStillRead() {
    server.thenAnthropicText("```json\n" + TWO_FACTS + "\n```");

    assertThat(
            models(LlmSettings.Provider.ANTHROPIC, Duration.ofSeconds(10))
                .extractor()
                .extract(conversation()))
        .hasSize(2);
  }

  @Test
  void theJudgeNamesOnlyMemoriesOfItsCase() {
    Memory tea = memory("User likes green tea.");
    Memory coffee = memory("User likes coffee.");
    Candidate mint =
        new Candidate(
            "User likes green tea with mint.",
            Category.PREFERENCE,
            null,
            null,
            null,
            0.8,
            List.of("m7"));
    Candidate lyon =
        new Candidate(
            "User lives in Lyon.", Category.LOCATION, null, null, null, 0.8, List.of("m8"));
    server
        // Case 2 names a label of case 1: asked again.
        .thenOpenAi(
            """
            {"decisions": [{"case": 1, "action": "supersede", "target": "1.1"},
                           {"case": 2, "action": "reinforce", "target": "1.2"}]}""")
        .thenOpenAi(
            """
            {"decisions": [{"case": 1, "action": "supersede", "target": "1.1"},
                           {"case": 2, "action": "add", "target": ""}]}""");

    List<ConsolidationJudge.Decision> decisions =
        openAi()
            .judge()
            .judge(
                T,
                List.of(
                    new ConsolidationJudge.Case(0, mint, List.of(tea, coffee)),
                    new ConsolidationJudge.Case(3, lyon, List.of(memory("User lives in Paris.")))));

    assertThat(decisions)
        .containsExactly(
            new ConsolidationJudge.Decision(0, ConsolidationJudge.Action.SUPERSEDE, tea.id()),
            new ConsolidationJudge.Decision(3, ConsolidationJudge.Action.ADD, null));
    assertThat(server.received).hasSize(2);
    assertThat(calls).allMatch(c -> c.operation().equals("judge"));
  }

  @Test
  void summariesComeFromTheModelOrFallBackToTheExtractiveOne() {
    List<String> facts = List.of("User likes tea.", "User likes jazz.", "User likes hiking.");
    server.thenOpenAi("{\"summary\": \"Alice likes tea and jazz.\", \"covered\": [1, 2]}");

    Summarizer.Summary written =
        openAi().summarizer().summarize(T, Category.PREFERENCE, facts, 200);

    assertThat(written.text()).isEqualTo("Alice likes tea and jazz.");
    assertThat(written.covered()).containsExactlyInAnyOrder(0, 1);

    server.thenStatus(500, Map.of()).thenStatus(500, Map.of()).thenStatus(500, Map.of());
    Summarizer.Summary fallback =
        openAi().summarizer().summarize(T, Category.PREFERENCE, facts, 200);
    assertThat(fallback.text()).contains("tea").contains("jazz").contains("hiking");
    assertThat(fallback.covered()).containsExactlyInAnyOrder(0, 1, 2);
  }

  @Test
  void settingsAreValidatedWithTheirNames() {
    assertThatThrownBy(() -> LlmSettings.of(LlmSettings.Provider.OPENAI, null, " ", null))
        .hasMessageContaining("llm_model is required");
    assertThatThrownBy(() -> LlmSettings.of(LlmSettings.Provider.ANTHROPIC, null, "claude", null))
        .hasMessageContaining("llm_api_key is required");
    assertThatThrownBy(() -> LlmSettings.Provider.parse("gemini"))
        .hasMessageContaining("none, openai or anthropic");
    assertThatThrownBy(
            () -> LlmSettings.of(LlmSettings.Provider.OPENAI, URI.create("ftp://x/v1"), "m", null))
        .hasMessageContaining("llm_base_url");
    assertThat(LlmSettings.of(LlmSettings.Provider.OPENAI, null, "m", "secret").toString())
        .doesNotContain("secret");
  }

  private static int n;

  private static Memory memory(String text) {
    Instant at = AT.plusSeconds(n++);
    return Memory.create(
        MemoryId.random(),
        ALICE,
        text,
        Category.PREFERENCE,
        null,
        0.8,
        Provenance.explicit(),
        at,
        at);
  }
}
