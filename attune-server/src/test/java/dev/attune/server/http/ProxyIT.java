package dev.attune.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.attune.api.Json;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.model.AuditEntry;
import dev.attune.core.model.Episode;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.Message;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.Embedder;
import dev.attune.core.port.EpisodeQuery;
import dev.attune.core.testing.HashingEmbedder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The model proxy with the providers' official SDKs as its clients, against a scripted upstream:
 * the upstream sees the user's context and the provider's key and no Attune header; the client gets
 * the upstream's answer, whole or streamed; the exchange is observed once, retries included;
 * failures of memory never break the chat and upstream errors come back unchanged.
 */
class ProxyIT {
  static ScriptedUpstream upstream;
  static TestServer server;
  static TestServer operatorKeyed;
  static String service;
  static final TenantId TENANT = TenantId.of("shop");

  @BeforeAll
  static void start() throws Exception {
    upstream = new ScriptedUpstream();
    server =
        new TestServer(
            // A cold first context can pass the 100 ms default and go out degraded (by design).
            Map.of(
                "proxy_openai_base_url", upstream.url(),
                "proxy_anthropic_base_url", upstream.url(),
                "context_timeout_ms", "10000"),
            new HashingEmbedder());
    service = server.key("shop", KeyRole.SERVICE);
    operatorKeyed =
        new TestServer(
            Map.of(
                "proxy_openai_base_url", upstream.url(),
                "proxy_openai_api_key", "sk-operator",
                "context_timeout_ms", "10000"),
            new HashingEmbedder());
    for (TestServer s : List.of(server, operatorKeyed)) {
      s.attune.observe(
          ObserveRequest.builder(TENANT, UserId.of("ann"))
              .sessionId("earlier")
              .messages(List.of(Message.user("I'm vegetarian.")))
              .build());
    }
  }

  @AfterAll
  static void stop() {
    server.close();
    operatorKeyed.close();
    upstream.close();
  }

  static OpenAIClient openAi(String user) {
    return OpenAIOkHttpClient.builder()
        .baseUrl(server.uri("/v1/proxy/openai").toString())
        .apiKey("sk-client")
        .putHeader("X-Attune-Key", service)
        .putHeader("X-Attune-User-Id", user)
        .putHeader("X-Attune-Session-Id", "chat-1")
        .maxRetries(0)
        .build();
  }

  static AnthropicClient anthropic(String user) {
    return AnthropicOkHttpClient.builder()
        .baseUrl(server.uri("/v1/proxy/anthropic").toString())
        .apiKey("sk-ant-client")
        .putHeader("X-Attune-Key", service)
        .putHeader("X-Attune-User-Id", user)
        .putHeader("X-Attune-Session-Id", "chat-2")
        .maxRetries(0)
        .build();
  }

  static ScriptedUpstream.Seen last() {
    return upstream.seen.get(upstream.seen.size() - 1);
  }

  /** How often the user's stored messages hold {@code text}, once learning has caught up. */
  static long stored(TestServer s, String user, String text) {
    return s.store.episodes(TENANT, UserId.of(user), EpisodeQuery.all()).stream()
        .map(Episode::content)
        .filter(text::equals)
        .count();
  }

  static void assertSentUpstreamWithContext(String providerKeyHeader, String providerKey) {
    ScriptedUpstream.Seen seen = last();
    assertThat(seen.header(providerKeyHeader)).isEqualTo(providerKey);
    assertThat(seen.hasHeaderStartingWith("x-attune")).isFalse();
    assertThat(seen.body()).contains("User is vegetarian.").doesNotContain(service);
  }

  @Test
  void openAiCompletionGetsTheUsersContextAndIsObservedOnceAcrossRetries() throws Exception {
    ChatCompletionCreateParams params =
        ChatCompletionCreateParams.builder()
            .model("gpt-4o-mini")
            .addSystemMessage("You are a helpful cook.")
            .addUserMessage("Any ideas for a vegetarian dinner tonight?")
            .build();
    // Other tests' exchanges with ann store the same scripted reply.
    long before = stored(server, "ann", ScriptedUpstream.REPLY);
    long asked = stored(server, "ann", "Any ideas for a vegetarian dinner tonight?");

    ChatCompletion reply = openAi("ann").chat().completions().create(params);

    assertThat(reply.choices().get(0).message().content()).contains(ScriptedUpstream.REPLY);
    assertSentUpstreamWithContext("Authorization", "Bearer sk-client");
    JsonNode sent = Json.MAPPER.readTree(last().body());
    assertThat(sent.get("messages")).hasSize(2);
    assertThat(sent.get("messages").get(0).get("content").asText())
        .startsWith("You are a helpful cook.")
        .contains("User is vegetarian.");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> stored(server, "ann", ScriptedUpstream.REPLY) == before + 1);

    // The client retries the same request: nothing is stored twice.
    openAi("ann").chat().completions().create(params);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(5))
        .until(() -> stored(server, "ann", ScriptedUpstream.REPLY) == before + 1);
    assertThat(stored(server, "ann", "Any ideas for a vegetarian dinner tonight?"))
        .isEqualTo(asked + 1);
  }

  @Test
  void openAiStreamComesBackChunkByChunkAndTheReassembledReplyIsObserved() {
    ChatCompletionCreateParams params =
        ChatCompletionCreateParams.builder()
            .model("gpt-4o-mini")
            .addUserMessage("Stream me a vegetarian recipe, please.")
            .build();
    StringBuilder text = new StringBuilder();
    int chunks;
    try (var stream = openAi("bea").chat().completions().createStreaming(params)) {
      List<ChatCompletionChunk> all = stream.stream().toList();
      chunks = all.size();
      all.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
    }
    assertThat(chunks).isEqualTo(4);
    assertThat(text.toString()).isEqualTo(ScriptedUpstream.REPLY);
    assertThat(last().body()).contains("\"stream\":true");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> stored(server, "bea", ScriptedUpstream.REPLY) == 1);
  }

  @Test
  void anthropicMessagesGetTheContextInTheSystemPromptWholeAndStreamed() throws Exception {
    MessageCreateParams params =
        MessageCreateParams.builder()
            .model("claude-sonnet-4-5")
            .maxTokens(200)
            .system("Be brief.")
            .addUserMessage("Any ideas for a vegetarian dinner tonight?")
            .build();

    com.anthropic.models.messages.Message reply = anthropic("ann").messages().create(params);

    assertThat(reply.content().get(0).text().orElseThrow().text())
        .isEqualTo(ScriptedUpstream.REPLY);
    // The SDK sends its key as x-api-key or (3.14) as a bearer; Anthropic takes both.
    String credential =
        last().header("x-api-key") != null
            ? last().header("x-api-key")
            : last().header("Authorization").replace("Bearer ", "");
    assertThat(credential).isEqualTo("sk-ant-client");
    assertSentUpstreamWithContext(
        last().header("x-api-key") != null ? "x-api-key" : "Authorization",
        last().header("x-api-key") != null ? "sk-ant-client" : "Bearer sk-ant-client");
    JsonNode sent = Json.MAPPER.readTree(last().body());
    assertThat(sent.get("system").asText()).startsWith("Be brief.").contains("User is vegetarian.");

    StringBuilder text = new StringBuilder();
    try (StreamResponse<RawMessageStreamEvent> stream =
        anthropic("cal").messages().createStreaming(params)) {
      stream.stream()
          .forEach(
              e ->
                  e.contentBlockDelta()
                      .flatMap(d -> d.delta().text())
                      .ifPresent(t -> text.append(t.text())));
    }
    assertThat(text.toString()).isEqualTo(ScriptedUpstream.REPLY);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> stored(server, "cal", ScriptedUpstream.REPLY) == 1);
  }

  @Test
  void theOperatorsProviderKeyLetsClientsSendTheirAttuneKeyAsTheirOwn() {
    String key = operatorKeyed.key("shop", KeyRole.SERVICE);
    OpenAIClient client =
        OpenAIOkHttpClient.builder()
            .baseUrl(operatorKeyed.uri("/v1/proxy/openai").toString())
            .apiKey(key)
            .putHeader("X-Attune-User-Id", "ann")
            .maxRetries(0)
            .build();

    client
        .chat()
        .completions()
        .create(
            ChatCompletionCreateParams.builder()
                .model("gpt-4o-mini")
                .addUserMessage("Vegetarian dinner ideas?")
                .build());

    ScriptedUpstream.Seen seen = last();
    assertThat(seen.header("Authorization")).isEqualTo("Bearer sk-operator");
    assertThat(seen.body()).doesNotContain(key).contains("User is vegetarian.");
  }

  /** The headers of a proxied OpenAI call by {@code user}, with the client's own provider key. */
  static Map<String, String> proxyHeaders(String user) {
    return Map.of(
        "Authorization",
        "Bearer sk-client",
        "X-Attune-Key",
        service,
        "X-Attune-User-Id",
        user,
        "Content-Type",
        "application/json");
  }

  /** Something a test does, which may throw. */
  interface Step {
    void run() throws Exception;
  }

  /** What the server logged to standard error while {@code step} ran. */
  static String stderrDuring(Step step) throws Exception {
    java.io.PrintStream stderr = System.err;
    java.io.ByteArrayOutputStream logged = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(logged, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      step.run();
    } finally {
      System.setErr(stderr);
    }
    return logged.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  static HttpResponse<String> raw(
      TestServer s, String path, Map<String, String> headers, String body) throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(s.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(r::header);
    return HttpClient.newHttpClient().send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theAnswerSaysWhichPackWentInAndUpstreamErrorsComeBackUnchanged() throws Exception {
    String request =
        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"vegetarian?\"}]}";
    HttpResponse<String> ok =
        raw(server, "/v1/proxy/openai/chat/completions", proxyHeaders("ann"), request);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("X-Attune-Context-Id"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("ctx_"));
    assertThat(ok.headers().firstValue("X-Attune-Context-Tokens")).isPresent();
    assertThat(ok.headers().firstValue("Server-Timing"))
        .hasValueSatisfying(v -> assertThat(v).matches("attune-context;dur=\\d+\\.\\d\\d"));
    assertThat(ok.headers().firstValue("X-Upstream")).hasValue("scripted");

    upstream.status = 503;
    try {
      HttpResponse<String> failed =
          raw(
              server,
              "/v1/proxy/openai/chat/completions",
              Map.of(
                  "Authorization",
                  "Bearer sk-client",
                  "X-Attune-Key",
                  service,
                  "X-Attune-User-Id",
                  "ann"),
              request);
      assertThat(failed.statusCode()).isEqualTo(503);
      assertThat(failed.body())
          .isEqualTo("{\"error\":{\"message\":\"scripted failure\",\"type\":\"server_error\"}}");
    } finally {
      upstream.status = 200;
    }
  }

  /**
   * Every proxied call is in the audit log once, with the status the client got, by the time the
   * client has the whole answer (its commit overlaps the answer: it starts at the first byte).
   */
  @Test
  void eachProxiedCallIsAuditedOnceWithTheStatusTheClientGot() throws Exception {
    Map<String, String> headers = proxyHeaders("audited");
    String whole =
        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"soup?\"}]}";
    String streamed =
        "{\"model\":\"gpt-4o-mini\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"stew?\"}]}";
    assertThat(raw(server, "/v1/proxy/openai/chat/completions", headers, whole).statusCode())
        .isEqualTo(200);
    assertThat(raw(server, "/v1/proxy/openai/chat/completions", headers, streamed).statusCode())
        .isEqualTo(200);
    upstream.status = 503;
    try {
      assertThat(raw(server, "/v1/proxy/openai/chat/completions", headers, whole).statusCode())
          .isEqualTo(503);
    } finally {
      upstream.status = 200;
    }
    // No waiting: each entry was committed before its answer ended.
    List<AuditEntry> entries = server.store.audit(TENANT, UserId.of("audited"), null, 10);
    assertThat(entries)
        .extracting(AuditEntry::action, AuditEntry::status)
        .containsExactly(
            tuple("POST /v1/proxy/openai/chat/completions", 503),
            tuple("POST /v1/proxy/openai/chat/completions", 200),
            tuple("POST /v1/proxy/openai/chat/completions", 200));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> stored(server, "audited", ScriptedUpstream.REPLY) == 2);
  }

  @Test
  void toolsImagesAndUnknownFieldsPassThroughUntouched() throws Exception {
    String request =
        "{\"model\":\"gpt-4o-mini\",\"temperature\":0.2,\"x_vendor\":{\"trace\":[1,2.5,\"a\"]},"
            + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"weather\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}],"
            + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"A vegetarian"
            + " dish like this?\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\"}}]},"
            + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
            + "\"function\":{\"name\":\"weather\",\"arguments\":\"{\\\"city\\\":\\\"Porto\\\"}\"}}]},"
            + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"sunny\"},"
            + "{\"role\":\"user\",\"content\":\"And a vegetarian dinner?\"}]}";
    HttpResponse<String> r =
        raw(
            server,
            "/v1/proxy/openai/chat/completions",
            Map.of(
                "Authorization", "Bearer sk-client",
                "X-Attune-Key", service,
                "X-Attune-User-Id", "ann",
                "X-Attune-Session-Id", "tools-1"),
            request);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode original = Json.MAPPER.readTree(request);
    JsonNode sent = Json.MAPPER.readTree(last().body());
    // Only a system message was added in front; everything else is as the client sent it.
    assertThat(sent.get("messages").get(0).get("role").asText()).isEqualTo("system");
    assertThat(sent.get("messages").get(0).get("content").asText()).contains("vegetarian");
    ((com.fasterxml.jackson.databind.node.ArrayNode) sent.get("messages")).remove(0);
    assertThat(sent).isEqualTo(original);
  }

  @Test
  void withoutAUserTheRequestGoesUpstreamUntouched() throws Exception {
    String request =
        "{\"model\":\"gpt-4o-mini\",  \"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    raw(
        server,
        "/v1/proxy/openai/chat/completions",
        Map.of("Authorization", "Bearer sk-client", "X-Attune-Key", service),
        request);
    assertThat(last().body()).isEqualTo(request);
  }

  @Test
  void anAttuneKeyIsRequiredAndBadInputIsAClearError() throws Exception {
    String request = "{\"model\":\"gpt-4o-mini\",\"messages\":[]}";
    int before = upstream.seen.size();
    HttpResponse<String> none =
        raw(
            server,
            "/v1/proxy/openai/chat/completions",
            Map.of("Authorization", "Bearer sk-client"),
            request);
    assertThat(none.statusCode()).isEqualTo(401);
    // In OpenAI's error shape, so that its SDK raises its usual exception.
    JsonNode noneError = Json.MAPPER.readTree(none.body()).get("error");
    assertThat(noneError.get("type").asText()).isEqualTo("authentication_error");
    assertThat(noneError.get("message").asText()).contains("X-Attune-Key");
    HttpResponse<String> anthropicNone =
        raw(
            server,
            "/v1/proxy/anthropic/v1/messages",
            Map.of("x-api-key", "sk-ant-client"),
            "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"messages\":[]}");
    assertThat(anthropicNone.statusCode()).isEqualTo(401);
    JsonNode anthropicError = Json.MAPPER.readTree(anthropicNone.body());
    assertThat(anthropicError.get("type").asText()).isEqualTo("error");
    assertThat(anthropicError.at("/error/type").asText()).isEqualTo("authentication_error");
    HttpResponse<String> wrong =
        raw(
            server,
            "/v1/proxy/openai/chat/completions",
            Map.of("Authorization", "Bearer sk-client", "X-Attune-Key", "atn_key_nope_nope"),
            request);
    assertThat(wrong.statusCode()).isEqualTo(401);
    // Through an SDK this reads as the provider's error: it must say which key it means.
    assertThat(Json.MAPPER.readTree(wrong.body()).at("/error/message").asText())
        .isEqualTo(
            "the Attune key in X-Attune-Key is invalid, expired or revoked (the model provider's"
                + " key was not checked)");
    HttpResponse<String> notJson =
        raw(
            server,
            "/v1/proxy/openai/chat/completions",
            Map.of("Authorization", "Bearer sk-client", "X-Attune-Key", service),
            "not json");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(notJson.body()).at("/error/param").asText()).isEqualTo("body");
    HttpResponse<String> badUser =
        raw(
            server,
            "/v1/proxy/openai/chat/completions",
            Map.of(
                "Authorization",
                "Bearer sk-client",
                "X-Attune-Key",
                service,
                "X-Attune-User-Id",
                "no spaces please"),
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(badUser.statusCode()).isEqualTo(422);
    assertThat(Json.MAPPER.readTree(badUser.body()).at("/error/message").asText())
        .contains("X-Attune-User-Id");
    assertThat(upstream.seen.size()).isEqualTo(before);
  }

  @Test
  void whenContextFailsTheChatGoesOnWithoutIt() throws Exception {
    Embedder broken =
        new Embedder() {
          @Override
          public String modelId() {
            return "broken";
          }

          @Override
          public int dimensions() {
            return 8;
          }

          @Override
          public List<float[]> embedAll(List<String> texts) {
            throw new IllegalStateException("the model is gone");
          }
        };
    try (TestServer failing =
        new TestServer(Map.of("proxy_openai_base_url", upstream.url()), broken)) {
      String key = failing.key("shop", KeyRole.SERVICE);
      HttpResponse<String> r =
          raw(
              failing,
              "/v1/proxy/openai/chat/completions",
              Map.of(
                  "Authorization",
                  "Bearer sk-client",
                  "X-Attune-Key",
                  key,
                  "X-Attune-User-Id",
                  "ann"),
              "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"dinner?\"}]}");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("X-Attune-Degraded")).hasValue("true");
      assertThat(r.body()).contains(ScriptedUpstream.REPLY);
    }
  }

  @Test
  void anAnswerTheUpstreamBreaksOffIsCutForTheClientNotPatchedWithAnError() throws Exception {
    String request =
        "{\"model\":\"gpt-4o-mini\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"curry tonight?\"}]}";
    Map<String, String> headers = proxyHeaders("ann");
    upstream.breakOffAfterEvents = 1;
    String logged;
    try {
      logged =
          stderrDuring(
              () -> {
                // The client sees the answer end early (as it would from the provider), never an
                // Attune error body written into the provider's event stream.
                org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> raw(server, "/v1/proxy/openai/chat/completions", headers, request))
                    .isInstanceOf(java.io.IOException.class);
                // The server finishes the request just after the client saw the cut.
                Thread.sleep(1_000);
              });
    } finally {
      upstream.breakOffAfterEvents = 0;
    }
    // A cut answer is logged as a warning, not as the web framework's error with a stack trace
    // (cutting the channel under it used to leave its request state broken).
    assertThat(logged).doesNotContain("Exception occurred while servicing");
    HttpResponse<String> next = raw(server, "/v1/proxy/openai/chat/completions", headers, request);
    assertThat(next.statusCode()).isEqualTo(200);
    assertThat(next.body()).contains("[DONE]").doesNotContain("\"error\"");
  }

  /**
   * A client that hangs up part way through a streamed answer is nobody's error: nothing is logged
   * as one, and neither the message nor half a reply is learned.
   */
  @Test
  void aClientThatHangsUpMidAnswerIsNoErrorAndNothingIsLearned() throws Exception {
    String request =
        "{\"model\":\"gpt-4o-mini\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"risotto tonight?\"}]}";
    HttpRequest.Builder r =
        HttpRequest.newBuilder(server.uri("/v1/proxy/openai/chat/completions"))
            .POST(HttpRequest.BodyPublishers.ofString(request));
    proxyHeaders("leaves").forEach(r::header);
    upstream.eventDelayMillis = 300;
    String logged;
    try (HttpClient client = HttpClient.newHttpClient()) {
      logged =
          stderrDuring(
              () -> {
                HttpResponse<java.io.InputStream> answer =
                    client.send(r.build(), HttpResponse.BodyHandlers.ofInputStream());
                assertThat(answer.statusCode()).isEqualTo(200);
                try (java.io.InputStream in = answer.body()) {
                  assertThat(in.read()).isPositive(); // the first event has come: hang up
                }
                // The proxy notices at its next writes, one event every 300 ms.
                Thread.sleep(2_000);
              });
    } finally {
      upstream.eventDelayMillis = 0;
    }
    assertThat(logged).doesNotContain("Exception occurred while servicing");
    // Learning is in order: once a later exchange of the user is stored, the cut one would be too,
    // had it been queued.
    HttpResponse<String> later =
        raw(
            server,
            "/v1/proxy/openai/chat/completions",
            proxyHeaders("leaves"),
            "{\"model\":\"gpt-4o-mini\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"soup then?\"}]}");
    assertThat(later.statusCode()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> stored(server, "leaves", ScriptedUpstream.REPLY) == 1);
    assertThat(stored(server, "leaves", "soup then?")).isEqualTo(1);
    assertThat(stored(server, "leaves", "risotto tonight?")).isZero();
  }

  @Test
  void anUpstreamThatCannotBeReachedIsA502InTheProvidersShapeSayingWhy() throws Exception {
    int closedPort;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      closedPort = probe.getLocalPort();
    }
    try (TestServer unreachable =
        new TestServer(
            Map.of("proxy_openai_base_url", "http://127.0.0.1:" + closedPort + "/v1"),
            new HashingEmbedder())) {
      String key = unreachable.key("shop", KeyRole.SERVICE);
      HttpResponse<String> r =
          raw(
              unreachable,
              "/v1/proxy/openai/chat/completions",
              Map.of("Authorization", "Bearer sk-client", "X-Attune-Key", key),
              "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
      assertThat(r.statusCode()).isEqualTo(502);
      String message =
          dev.attune.api.Json.MAPPER.readTree(r.body()).path("error").path("message").asText();
      assertThat(message)
          .isEqualTo(
              "the model provider at 127.0.0.1:"
                  + closedPort
                  + " could not be reached: connection refused");
      assertThat(r.headers().allValues("Content-Type")).hasSize(1);
    }
  }

  /** One Content-Type (the provider's) and one Date on every proxied answer. */
  @Test
  void everyProxiedAnswerCarriesOneContentTypeAndOneDate() throws Exception {
    String whole =
        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"soup?\"}]}";
    String streamed =
        "{\"model\":\"gpt-4o-mini\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"stew?\"}]}";
    HttpResponse<String> json =
        raw(server, "/v1/proxy/openai/chat/completions", proxyHeaders("headers"), whole);
    HttpResponse<String> stream =
        raw(server, "/v1/proxy/openai/chat/completions", proxyHeaders("headers"), streamed);
    HttpResponse<String> error;
    upstream.status = 503;
    try {
      error = raw(server, "/v1/proxy/openai/chat/completions", proxyHeaders("headers"), whole);
    } finally {
      upstream.status = 200;
    }
    for (HttpResponse<String> r : List.of(json, stream, error)) {
      assertThat(r.headers().allValues("Content-Type")).as(r.toString()).hasSize(1);
      assertThat(r.headers().allValues("Date")).as(r.toString()).hasSize(1);
    }
    assertThat(json.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/json");
    assertThat(stream.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/event-stream");
    assertThat(error.statusCode()).isEqualTo(503);
  }

  /**
   * A three-turn tool-calling conversation: the user's message comes back in every turn, followed
   * by the assistant's call and the tool's result; it is stored once, as is each later message.
   */
  @Test
  void aToolCallingRoundTripStoresEachMessageOnce() throws Exception {
    String question = "What is the weather in Porto?";
    String call =
        "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\","
            + "\"type\":\"function\",\"function\":{\"name\":\"weather\","
            + "\"arguments\":\"{\\\"city\\\":\\\"Porto\\\"}\"}}]}";
    String result = "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"18C, sunny\"}";
    String user = "{\"role\":\"user\",\"content\":\"" + question + "\"}";
    String next = "{\"role\":\"user\",\"content\":\"And tomorrow?\"}";
    String answer = "{\"role\":\"assistant\",\"content\":\"It is 18C and sunny.\"}";
    List<String> turns =
        List.of(
            "[" + user + "]",
            "[" + user + "," + call + "," + result + "]",
            "[" + user + "," + call + "," + result + "," + answer + "," + next + "]");
    for (String messages : turns) {
      HttpResponse<String> r =
          raw(
              server,
              "/v1/proxy/openai/chat/completions",
              proxyHeaders("tools"),
              "{\"model\":\"gpt-4o-mini\",\"messages\":" + messages + "}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> stored(server, "tools", "And tomorrow?") == 1);
    assertThat(stored(server, "tools", question)).isEqualTo(1);
    assertThat(stored(server, "tools", "And tomorrow?")).isEqualTo(1);
  }
}
