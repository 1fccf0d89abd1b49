package dev.attune.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.core.model.KeyRole;
import dev.attune.core.testing.HashingEmbedder;
import dev.attune.models.testing.ScriptedModelServer;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code serve} with a chat model (a local server speaking the OpenAI wire format): observed
 * messages are buffered durably, extracted in one call per batch, metered per tenant in {@code GET
 * /v1/usage} and {@code /metrics}; a batch the model keeps failing stays in the backlog.
 */
class ChatModelLearningIT {
  ScriptedModelServer model;
  TestServer server;
  String admin;

  @BeforeEach
  void start() throws Exception {
    model = new ScriptedModelServer();
    server =
        new TestServer(
            Map.of(
                "llm_provider", "openai",
                "llm_base_url", model.baseUrl().toString(),
                "llm_model", "gpt-test",
                "extraction_batch_messages", "3",
                "extraction_idle_ms", "60000"),
            new HashingEmbedder());
    admin = server.key("llm", KeyRole.ADMIN);
  }

  @AfterEach
  void stop() {
    server.close();
    model.close();
  }

  static String observe(String user, String... idAndText) {
    StringBuilder messages = new StringBuilder();
    for (int i = 0; i < idAndText.length; i += 2) {
      messages
          .append(i == 0 ? "" : ",")
          .append("{\"role\":\"user\",\"id\":\"")
          .append(idAndText[i])
          .append("\",\"content\":\"")
          .append(idAndText[i + 1])
          .append("\"}");
    }
    return "{\"user_id\":\"" + user + "\",\"session_id\":\"s1\",\"messages\":[" + messages + "]}";
  }

  @Test
  void aFullBatchIsExtractedInOneCallAndMetered() {
    model
        .thenStatus(429, Map.of("Retry-After", "1"))
        .thenOpenAi(
            """
            {"facts": [
              {"text": "User vive em Lisboa.", "category": "location", "source_ids": ["m1"],
               "slot": "location", "value": "Lisboa", "replaces": "", "confidence": 0.9},
              {"text": "User is a nurse.", "category": "role", "source_ids": ["m3"],
               "slot": "", "value": "", "replaces": "", "confidence": 0.9}]}""");

    JsonNode first =
        server
            .post("/v1/observe?wait=true", admin, observe("ana", "m1", "Eu vivo em Lisboa."))
            .json();
    assertThat(first.get("status").asText()).isEqualTo("done");
    assertThat(first.get("stored").asInt()).isEqualTo(1);
    assertThat(first.get("added")).isEmpty(); // extracted with its batch, later
    assertThat(first.get("awaiting_extraction").asInt()).isEqualTo(1);
    server.post(
        "/v1/observe?wait=true",
        admin,
        observe("ana", "m2", "Good morning!", "m3", "I work as a nurse."));

    JsonNode memories =
        eventually(
            () -> server.get("/v1/users/ana/memories", admin).json().get("memories"),
            m -> m.size() == 2);
    assertThat(memories)
        .extracting(m -> m.get("text").asText())
        .containsExactlyInAnyOrder("User vive em Lisboa.", "User is a nurse.");
    assertThat(model.received).hasSize(2); // the 429, then one call for all three messages

    JsonNode usage = server.get("/v1/usage", admin).json();
    assertThat(usage.get("model").asText()).isEqualTo("openai:gpt-test");
    assertThat(usage.at("/totals/calls").asLong()).isEqualTo(2);
    assertThat(usage.at("/totals/failures").asLong()).isEqualTo(1);
    assertThat(usage.at("/totals/input_tokens").asLong()).isEqualTo(120);
    assertThat(usage.at("/totals/output_tokens").asLong()).isEqualTo(40);
    assertThat(usage.at("/days/0/operation").asText()).isEqualTo("extract");
    assertThat(usage.at("/extraction_backlog/awaiting").asLong()).isZero();

    String metrics = server.get("/metrics", null).body();
    assertThat(metrics)
        .containsPattern(
            "attune_model_calls_total\\{[^}]*outcome=\"ok\"[^}]*tenant=\"llm\"[^}]*\\} 1.0")
        .containsPattern(
            "attune_model_tokens_total\\{direction=\"input\"[^}]*tenant=\"llm\"[^}]*\\} 120.0");

    // Another tenant sees none of it.
    String other = server.key("other", KeyRole.ADMIN);
    assertThat(server.get("/v1/usage", other).json().at("/totals/calls").asLong()).isZero();
  }

  @Test
  void aBatchTheModelCannotExtractIsKeptAndCounted() {
    // The script is empty: every call gets a 500.
    server.post(
        "/v1/observe?wait=true",
        admin,
        observe("bo", "b1", "I live in Porto.", "b2", "I love jazz.", "b3", "I am a chef."));

    JsonNode backlog =
        eventually(
            () -> server.get("/v1/usage", admin).json().get("extraction_backlog"),
            b -> b.get("failed_at_least_once").asLong() == 3);
    assertThat(backlog.get("awaiting").asLong()).isEqualTo(3);
    assertThat(model.received).hasSize(3); // llm_max_attempts
    assertThat(server.get("/v1/users/bo/memories", admin).json().get("memories")).isEmpty();
    // The messages are kept, searchable, and retried later.
    assertThat(
            server
                .post("/v1/context", admin, "{\"user_id\":\"bo\",\"query\":\"where does bo live\"}")
                .body())
        .contains("Porto");
    assertThat(server.metrics.scrape()).containsPattern("attune_extraction_failures_total 1.0");
  }

  @Test
  void badUsageRangesGetA422ThatNamesTheField() {
    TestServer.Reply bad = server.get("/v1/usage?from=2025-13-01", admin);
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.errorField()).isEqualTo("from");
    TestServer.Reply reversed = server.get("/v1/usage?from=2025-03-02&to=2025-03-01", admin);
    assertThat(reversed.status()).isEqualTo(422);
    TestServer.Reply tooLong = server.get("/v1/usage?from=2020-01-01&to=2025-03-01", admin);
    assertThat(tooLong.status()).isEqualTo(422);
    assertThat(tooLong.json().at("/error/message").asText()).contains("366 days");
    assertThat(server.get("/v1/usage", server.key("llm", KeyRole.SERVICE)).status()).isEqualTo(403);
  }

  private static JsonNode eventually(
      Supplier<JsonNode> read, java.util.function.Predicate<JsonNode> done) {
    return await().atMost(Duration.ofSeconds(20)).until(read::get, done);
  }
}
