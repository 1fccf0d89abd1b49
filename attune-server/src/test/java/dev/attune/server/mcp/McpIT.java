package dev.attune.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.core.api.ObserveRequest;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.Message;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.testing.HashingEmbedder;
import dev.attune.server.http.TestServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Attune's MCP tools driven by the official SDK's own client: over Streamable HTTP on serve's
 * {@code /mcp} (the key's tenant, a user_id argument, user tokens bound to their user, no key no
 * entry) and over stdio with {@code ./attune mcp} started as a child process. Bad arguments and
 * unknown tools are JSON-RPC errors naming what was wrong.
 */
class McpIT {
  static TestServer server;
  static final TenantId TENANT = TenantId.of("shop");

  @BeforeAll
  static void start() throws Exception {
    server = new TestServer(Map.of("context_timeout_ms", "10000"), new HashingEmbedder());
    server.attune.observe(
        ObserveRequest.builder(TENANT, UserId.of("ann"))
            .sessionId("earlier")
            .messages(List.of(Message.user("I'm vegetarian.")))
            .build());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static McpSyncClient http(String key) {
    HttpRequest.Builder request = HttpRequest.newBuilder();
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    McpSyncClient client =
        McpClient.sync(
                HttpClientStreamableHttpTransport.builder(server.uri("/").toString())
                    .endpoint("/mcp")
                    .requestBuilder(request)
                    .build())
            .requestTimeout(Duration.ofSeconds(30))
            .build();
    return client;
  }

  static CallToolResult call(McpSyncClient client, String tool, Map<String, Object> args) {
    return client.callTool(new CallToolRequest(tool, args));
  }

  static String text(CallToolResult result) {
    return ((McpSchema.TextContent) result.content().get(0)).text();
  }

  @Test
  void overHttpAnAgentReadsAndEditsTheNamedUsersMemory() {
    try (McpSyncClient client = http(server.key("shop", KeyRole.SERVICE))) {
      client.initialize();
      assertThat(client.listTools().tools())
          .extracting(McpSchema.Tool::name)
          .containsExactlyInAnyOrder(
              "get_context", "remember", "search_memories", "list_memories", "forget_memory");
      assertThat(client.listTools().tools())
          .allSatisfy(t -> assertThat(t.description()).hasSizeGreaterThan(40));

      String context =
          text(
              call(
                  client,
                  "get_context",
                  Map.of("user_id", "ann", "query", "vegetarian dinner", "session_id", "agent")));
      assertThat(context).contains("User is vegetarian.");

      CallToolResult remembered =
          call(
              client,
              "remember",
              Map.of("user_id", "ann", "text", "User deploys on Kubernetes.", "category", "tool"));
      assertThat(remembered.isError()).isNotEqualTo(Boolean.TRUE);
      assertThat(text(call(client, "list_memories", Map.of("user_id", "ann", "category", "tool"))))
          .contains("User deploys on Kubernetes.");
      CallToolResult found =
          call(client, "search_memories", Map.of("user_id", "ann", "query", "kubernetes deploys"));
      assertThat(text(found)).contains("User deploys on Kubernetes.");

      String id = text(remembered).replaceAll("^Remembered \\(([^)]+)\\).*$", "$1");
      call(client, "forget_memory", Map.of("user_id", "ann", "memory_id", id));
      assertThat(text(call(client, "list_memories", Map.of("user_id", "ann"))))
          .doesNotContain("Kubernetes");
    }
  }

  @Test
  void badArgumentsAndUnknownToolsAreJsonRpcErrorsNamingTheProblem() {
    try (McpSyncClient client = http(server.key("shop", KeyRole.SERVICE))) {
      client.initialize();
      assertThatThrownBy(() -> call(client, "remember", Map.of("user_id", "ann")))
          .isInstanceOf(McpError.class)
          .hasMessageContaining("text: required");
      assertThatThrownBy(
              () -> call(client, "list_memories", Map.of("user_id", "ann", "limit", 100000)))
          .isInstanceOf(McpError.class)
          .hasMessageContaining("limit");
      assertThatThrownBy(
              () ->
                  call(
                      client,
                      "remember",
                      Map.of("user_id", "ann", "text", "x y z", "category", "mood")))
          .isInstanceOf(McpError.class)
          .hasMessageContaining("category");
      assertThatThrownBy(() -> call(client, "get_context", Map.of("query", "x")))
          .isInstanceOf(McpError.class)
          .hasMessageContaining("user_id");
      assertThatThrownBy(() -> call(client, "get_context", Map.of("user_id", "no spaces")))
          .isInstanceOf(McpError.class)
          .hasMessageContaining("user_id");
      assertThatThrownBy(
              () -> call(client, "get_context", Map.of("user_id", "ann", "colour", "red")))
          .isInstanceOf(McpError.class)
          .hasMessageContaining("colour");
      assertThatThrownBy(
              () -> call(client, "forget_memory", Map.of("user_id", "ann", "memory_id", "mem_x")))
          .isInstanceOf(McpError.class)
          .hasMessageContaining("memory_id");
      assertThatThrownBy(() -> call(client, "delete_everything", Map.of()))
          .isInstanceOfSatisfying(
              McpError.class,
              e -> {
                assertThat(e.getJsonRpcError().code())
                    .isEqualTo(McpSchema.ErrorCodes.INVALID_PARAMS);
                assertThat(e.getJsonRpcError().message())
                    .isEqualTo(
                        "name: unknown tool 'delete_everything'; the tools are forget_memory,"
                            + " get_context, list_memories, remember, search_memories");
              });
    }
  }

  @Test
  void brokenMessagesAreJsonRpcErrorsNeverAJavaException() {
    String key = server.key("shop", KeyRole.SERVICE);
    // body -> the JSON-RPC code expected; the SDK alone answered these with its exception
    // serialized (stack trace included), and "null" with a 500.
    Map<String, Integer> bodies =
        Map.of(
            "{", -32700,
            "null", -32600,
            "[]", -32600,
            "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}]", -32600,
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}", -32600,
            "{\"jsonrpc\":\"2.0\",\"id\":{\"x\":1},\"method\":\"tools/list\"}", -32600,
            "{\"jsonrpc\":\"2.0\",\"id\":1}", -32600,
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}", -32601);
    bodies.forEach(
        (body, code) -> {
          TestServer.Reply r = server.send("POST", "/mcp", key, body);
          assertThat(r.status()).as(body + " -> " + r.body()).isBetween(400, 499);
          assertThat(r.body()).as(body).doesNotContain("stackTrace").doesNotContain("Exception");
          assertThat(r.json().path("jsonrpc").asText()).as(r.body()).isEqualTo("2.0");
          assertThat(r.json().path("error").path("code").asInt()).as(r.body()).isEqualTo(code);
          assertThat(r.json().path("error").path("message").asText()).as(r.body()).isNotBlank();
        });
    TestServer.Reply put = server.send("PUT", "/mcp", key, "{}");
    assertThat(put.status()).isEqualTo(405);
    assertThat(put.json().path("error").path("message").asText()).contains("POST, GET or DELETE");
    TestServer.Reply unknownSession = server.send("DELETE", "/mcp", key, null);
    assertThat(unknownSession.status()).isBetween(400, 499);
    assertThat(unknownSession.body()).doesNotContain("stackTrace");
  }

  /** The raw transport: initialize, then the session's id. */
  static String openSession(HttpClient http, String key) throws Exception {
    HttpResponse<String> init =
        http.send(
            mcpPost(
                key,
                null,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                    + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}"),
            HttpResponse.BodyHandlers.ofString());
    assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
    String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    http.send(
        mcpPost(key, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"),
        HttpResponse.BodyHandlers.ofString());
    return session;
  }

  static HttpRequest mcpPost(String key, String session, String body) {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(server.uri("/mcp"))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (session != null) {
      r.header("Mcp-Session-Id", session);
    }
    return r.build();
  }

  /** Event ids identify events within a session (the SDK alone gave every event the session id). */
  @Test
  void everyEventOfASessionHasItsOwnId() throws Exception {
    String key = server.key("shop", KeyRole.SERVICE);
    HttpClient http = HttpClient.newHttpClient();
    String session = openSession(http, key);
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> listed =
          http.send(
              mcpPost(
                  key,
                  session,
                  "{\"jsonrpc\":\"2.0\",\"id\":" + (10 + i) + ",\"method\":\"tools/list\"}"),
              HttpResponse.BodyHandlers.ofString());
      assertThat(listed.body()).contains("get_context");
      listed
          .body()
          .lines()
          .filter(l -> l.startsWith("id:"))
          .forEach(l -> ids.add(l.substring(3).strip()));
    }
    assertThat(ids).hasSize(3).doesNotHaveDuplicates().doesNotContain(session);
    assertThat(ids).allSatisfy(id -> assertThat(id).startsWith(session + "-"));
  }

  /**
   * A listening stream's headers come at once (the SDK held them until a first event, which may
   * never come), and a reconnect naming the last event it saw opens a fresh stream.
   */
  @Test
  void aListeningStreamAnswersAtOnce() throws Exception {
    String key = server.key("shop", KeyRole.SERVICE);
    HttpClient http = HttpClient.newHttpClient();
    String session = openSession(http, key);
    for (String lastEventId : new String[] {null, session + "-1"}) {
      HttpRequest.Builder get =
          HttpRequest.newBuilder(server.uri("/mcp"))
              .header("Authorization", "Bearer " + key)
              .header("Accept", "text/event-stream")
              .header("Mcp-Session-Id", session)
              .GET();
      if (lastEventId != null) {
        get.header("Last-Event-ID", lastEventId);
      }
      CompletableFuture<HttpResponse<java.io.InputStream>> stream =
          http.sendAsync(get.build(), HttpResponse.BodyHandlers.ofInputStream());
      HttpResponse<java.io.InputStream> headers = stream.get(3, TimeUnit.SECONDS);
      assertThat(headers.statusCode()).isEqualTo(200);
      assertThat(headers.headers().firstValue("Content-Type").orElseThrow())
          .startsWith("text/event-stream");
      headers.body().close();
    }
  }

  /**
   * The SDK's own client connects, calls a tool and closes, and nothing logs an error or a warning
   * (client or server: both log to this process's standard error).
   */
  @Test
  void anSdkClientThatConnectsCallsAToolAndClosesLogsNothingWrong() throws Exception {
    java.io.PrintStream original = System.err;
    java.io.ByteArrayOutputStream logged = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(logged, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      try (McpSyncClient client = http(server.key("shop", KeyRole.SERVICE))) {
        client.initialize();
        assertThat(text(call(client, "get_context", Map.of("user_id", "ann", "query", "dinner"))))
            .contains("vegetarian");
      }
      Thread.sleep(1_500); // anything a closed stream would log comes within this
    } finally {
      System.setErr(original);
    }
    String text = logged.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(text.lines().filter(l -> l.contains("ERROR") || l.contains("WARN")).toList())
        .as(text)
        .isEmpty();
  }

  @Test
  void keysDecideTheTenantAndUserTokensTheirUser() {
    try (McpSyncClient rival = http(server.key("rival", KeyRole.SERVICE))) {
      rival.initialize();
      assertThat(text(call(rival, "list_memories", Map.of("user_id", "ann"))))
          .isEqualTo("No memories.");
    }
    String token = server.userToken("shop", "ann", Duration.ofMinutes(5));
    try (McpSyncClient own = http(token)) {
      own.initialize();
      assertThat(text(call(own, "list_memories", Map.of()))).contains("User is vegetarian.");
      assertThatThrownBy(() -> call(own, "list_memories", Map.of("user_id", "bob")))
          .isInstanceOf(McpError.class)
          .hasMessageContaining("own user");
    }
    try (McpSyncClient nobody = http(null)) {
      assertThatThrownBy(nobody::initialize).isInstanceOf(RuntimeException.class);
    }
    try (McpSyncClient wrong = http("atn_key_nope_nope")) {
      assertThatThrownBy(wrong::initialize).isInstanceOf(RuntimeException.class);
    }
  }

  @Test
  void overStdioTheUserNamedAtStartIsTheOneEveryToolIsAbout() throws Exception {
    Path data = Files.createTempDirectory("attune-mcp-stdio");
    String java = ProcessHandle.current().info().command().orElse("java");
    ServerParameters process =
        ServerParameters.builder(java)
            .args(
                "-cp",
                System.getProperty("java.class.path"),
                "dev.attune.server.cli.AttuneCli",
                "mcp",
                "--data",
                data.toString(),
                "--tenant",
                "shop",
                "--user",
                "dana")
            .build();
    try (McpSyncClient client =
        McpClient.sync(new StdioClientTransport(process, McpJsonDefaults.getMapper()))
            .requestTimeout(Duration.ofSeconds(60))
            .build()) {
      client.initialize();
      assertThat(client.listTools().tools())
          .allSatisfy(
              t ->
                  assertThat((Map<Object, Object>) t.inputSchema().get("properties"))
                      .doesNotContainKey("user_id"));
      call(client, "remember", Map.of("text", "User writes Go for a living.", "category", "tool"));
      assertThat(text(call(client, "get_context", Map.of("query", "which language do I use?"))))
          .contains("User writes Go for a living.");
      assertThat(text(call(client, "list_memories", Map.of())))
          .contains("User writes Go for a living.");
      assertThatThrownBy(() -> call(client, "list_memories", Map.of("user_id", "ann")))
          .isInstanceOf(McpError.class)
          .hasMessageContaining("user_id");
    }
  }
}
