package dev.attune.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.api.Json;
import dev.attune.core.api.NewMemory;
import dev.attune.core.model.ApiKey;
import dev.attune.core.model.AuditEntry;
import dev.attune.core.model.Category;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryStatus;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.testing.HashingEmbedder;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every door to a user's data (REST, MCP over HTTP, the model proxy) walked with every kind of key,
 * for every operation a door offers: the same verdict on every door, as {@link AccessPolicy}'s
 * table says; a refusal in the door's own shape (a JSON error with its HTTP status; a JSON-RPC
 * error; the provider's error); exactly one audit entry per call made with a usable key, naming
 * door, key, role, action and status (and the user, when allowed); nothing written on a refusal.
 * Each attempt gets fresh keys, so its audit entries are its own.
 */
class DoorsIT {
  static final TenantId SHOP = TenantId.of("shop");
  static final UserId ANN = UserId.of("ann");

  static ScriptedUpstream upstream;
  static TestServer server;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  /** The kinds of key a caller may hold. */
  enum KeyKind {
    ADMIN,
    SERVICE,
    OWN_USER_TOKEN,
    OTHER_USER_TOKEN,
    REVOKED,
    EXPIRED,
    OTHER_TENANT
  }

  /** What a door answered, told apart the way every door must agree on. */
  enum Verdict {
    ALLOWED,
    UNAUTHENTICATED,
    FORBIDDEN,
    NOT_FOUND
  }

  /** The operations two doors offer, and the doors that offer each. */
  enum Op {
    READ_CONTEXT(Set.of(DoorName.REST, DoorName.MCP)),
    WRITE_MEMORY(Set.of(DoorName.REST, DoorName.MCP)),
    READ_MEMORIES(Set.of(DoorName.REST, DoorName.MCP)),
    DELETE_MEMORY(Set.of(DoorName.REST, DoorName.MCP)),
    /** Feeding learning: REST's observe, and a chat through the proxy (which observes it). */
    OBSERVE(Set.of(DoorName.REST, DoorName.PROXY));

    final Set<DoorName> doors;

    Op(Set<DoorName> doors) {
      this.doors = doors;
    }
  }

  enum DoorName {
    REST,
    MCP,
    PROXY
  }

  /** One attempt's key: its secret and id. */
  record Key(String secret, String id, KeyRole role) {}

  @BeforeAll
  static void start() throws Exception {
    upstream = new ScriptedUpstream();
    server =
        new TestServer(
            Map.of("context_timeout_ms", "10000", "proxy_openai_base_url", upstream.url()),
            new HashingEmbedder());
  }

  @AfterAll
  static void stop() {
    server.close();
    upstream.close();
  }

  /** What the policy table says, written out here independently of it. */
  static Verdict expected(Op op, KeyKind kind) {
    return switch (kind) {
      case REVOKED, EXPIRED -> Verdict.UNAUTHENTICATED;
      case ADMIN, SERVICE -> Verdict.ALLOWED;
      case OWN_USER_TOKEN -> op == Op.OBSERVE ? Verdict.FORBIDDEN : Verdict.ALLOWED;
      case OTHER_USER_TOKEN -> Verdict.FORBIDDEN;
      // Another tenant's key acts in its own tenant: ann there is another person, and this
      // tenant's memory ids do not exist there.
      case OTHER_TENANT -> op == Op.DELETE_MEMORY ? Verdict.NOT_FOUND : Verdict.ALLOWED;
    };
  }

  @Test
  void everyDoorGivesTheSameVerdictInItsOwnShapeAndAuditsEveryCall() throws Exception {
    List<String> failures = new ArrayList<>();
    for (Op op : Op.values()) {
      for (KeyKind kind : KeyKind.values()) {
        Verdict want = expected(op, kind);
        for (DoorName door : op.doors) {
          Key key = key(kind);
          int memoriesBefore = shopMemories();
          String memoryId = op == Op.DELETE_MEMORY ? plantMemory() : null;
          int afterPlant = shopMemories();
          Verdict got = attempt(door, op, key, memoryId);
          String where = op + " by " + kind + " through " + door;
          if (got != want) {
            failures.add(where + ": " + got + ", expected " + want);
            continue;
          }
          // Nothing written in this tenant on a refusal (or by another tenant's key).
          if (want != Verdict.ALLOWED || kind == KeyKind.OTHER_TENANT) {
            assertThat(shopMemories()).as(where).isEqualTo(afterPlant);
          } else if (op == Op.WRITE_MEMORY) {
            assertThat(shopMemories()).as(where).isEqualTo(memoriesBefore + 1);
          } else if (op == Op.DELETE_MEMORY) {
            assertThat(shopMemories()).as(where).isEqualTo(memoriesBefore);
          }
          try {
            checkAudit(where, door, kind, key, want);
          } catch (AssertionError | org.awaitility.core.ConditionTimeoutException e) {
            failures.add(where + ": audit: " + e.getMessage().lines().findFirst().orElse(""));
          }
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  /**
   * Every REST route with every kind of key: refused (403) exactly where the table says, 401 for a
   * key that is not usable, and otherwise let through to the handler (whatever the handler then
   * says of the empty request); one audit entry per call made with a usable key.
   */
  @Test
  void everyRestRouteFollowsTheTableForEveryKindOfKey() throws Exception {
    List<String> failures = new ArrayList<>();
    for (Routes.Route route : server.api.routes()) {
      if (route.operation() == Operation.PUBLIC || route.operation() == Operation.PROXY_CHAT) {
        continue;
      }
      String path =
          route
              .path()
              .replace("{user_id}", "walker")
              .replace("{id}", "mem_walk")
              .replace("{memory_id}", "mem_walk")
              .replace("{org_id}", "org-walk")
              .replace("{key_id}", "key_walk")
              .replace("{name}", "walk")
              .replace("{context_id}", "ctx_walk")
              .replace("{observation_id}", "obs_walk");
      for (KeyKind kind : KeyKind.values()) {
        Key key = walkerKey(kind);
        String body =
            route.path().equals("/v1/context") || route.path().equals("/v1/observe")
                ? "{\"user_id\":\"walker\"}"
                : "{}";
        boolean hasBody = Set.of("POST", "PUT", "PATCH").contains(route.method());
        TestServer.Reply reply =
            server.send(route.method(), path, key.secret(), hasBody ? body : null);
        int expected = expectedStatus(route.operation(), kind);
        String where = route.method() + " " + route.path() + " by " + kind;
        boolean ok =
            expected == 0
                ? reply.status() != 401 && reply.status() != 403 && reply.status() < 500
                : reply.status() == expected;
        if (!ok) {
          failures.add(where + ": " + reply.status() + " " + reply.body());
          continue;
        }
        TenantId tenant = kind == KeyKind.OTHER_TENANT ? TenantId.of("other") : SHOP;
        int entries = entries(tenant, key).size();
        int wanted = expected == 401 ? 0 : 1;
        if (entries != wanted) {
          failures.add(where + ": " + entries + " audit entries, expected " + wanted);
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  /** 0: let through; else the status the table gives (written out here, not read from it). */
  private static int expectedStatus(Operation operation, KeyKind kind) {
    if (kind == KeyKind.REVOKED || kind == KeyKind.EXPIRED) {
      return 401;
    }
    boolean userToken = kind == KeyKind.OWN_USER_TOKEN || kind == KeyKind.OTHER_USER_TOKEN;
    return switch (operation) {
      // Another tenant's key here is a service key: refused what only admins may do.
      case ADMINISTER -> kind == KeyKind.ADMIN ? 0 : 403;
      case OBSERVE, FEEDBACK, READ_ORG -> userToken ? 403 : 0;
      case READ_CONTEXT,
          READ_PROFILE,
          EDIT_PROFILE,
          READ_MEMORIES,
          WRITE_MEMORY,
          DELETE_MEMORY,
          READ_CONTEXT_RECORDS,
          EXPORT,
          ERASE ->
          kind == KeyKind.OTHER_USER_TOKEN ? 403 : 0;
      case PUBLIC, PROXY_CHAT -> throw new AssertionError(operation);
    };
  }

  /** A fresh key of the kind, its user tokens for "walker" (own) or "bob" (another). */
  private static Key walkerKey(KeyKind kind) throws InterruptedException {
    Keys keys = server.api.keys();
    Keys.Minted minted =
        switch (kind) {
          case OWN_USER_TOKEN ->
              keys.create(SHOP, KeyRole.USER, null, UserId.of("walker"), Duration.ofMinutes(5));
          default -> null;
        };
    if (minted == null) {
      return key(kind);
    }
    return new Key(minted.secret(), minted.key().id(), minted.key().role());
  }

  private void checkAudit(String where, DoorName door, KeyKind kind, Key key, Verdict verdict) {
    TenantId tenant = kind == KeyKind.OTHER_TENANT ? TenantId.of("other") : SHOP;
    if (verdict == Verdict.UNAUTHENTICATED) {
      assertThat(entries(tenant, key)).as(where + ": no entry without a usable key").isEmpty();
      return;
    }
    // The proxy's entry is committed while its answer streams: wait for it.
    await(where).atMost(Duration.ofSeconds(5)).until(() -> !entries(tenant, key).isEmpty());
    List<AuditEntry> entries = entries(tenant, key);
    assertThat(entries).as(where + ": one entry per call").hasSize(1);
    AuditEntry e = entries.get(0);
    assertThat(Door.of(e).name()).as(where).isEqualTo(door.name());
    assertThat(e.keyId()).isEqualTo(key.id());
    assertThat(e.role()).as(where).isEqualTo(key.role());
    assertThat(e.action()).as(where).isNotBlank();
    int status = e.status();
    switch (verdict) {
      case ALLOWED -> {
        assertThat(status).as(where).isBetween(200, 299);
        assertThat(e.user()).as(where).isEqualTo(ANN);
      }
      case FORBIDDEN -> assertThat(status).as(where).isEqualTo(403);
      case NOT_FOUND -> assertThat(status).as(where).isEqualTo(404);
      default -> throw new AssertionError(verdict);
    }
  }

  private static List<AuditEntry> entries(TenantId tenant, Key key) {
    return server.store.audit(tenant, null, null, 1000).stream()
        .filter(e -> e.keyId().equals(key.id()))
        .toList();
  }

  // ---- the doors ----

  private Verdict attempt(DoorName door, Op op, Key key, String memoryId) throws Exception {
    return switch (door) {
      case REST -> rest(op, key, memoryId);
      case MCP -> mcp(op, key, memoryId);
      case PROXY -> proxy(key);
    };
  }

  private Verdict rest(Op op, Key key, String memoryId) {
    TestServer.Reply reply =
        switch (op) {
          case READ_CONTEXT ->
              server.post("/v1/context", key.secret(), Map.of("user_id", "ann", "query", "dinner"));
          case WRITE_MEMORY ->
              server.post(
                  "/v1/users/ann/memories",
                  key.secret(),
                  Map.of("text", "User likes walking.", "category", "preference"));
          case READ_MEMORIES -> server.get("/v1/users/ann/memories", key.secret());
          case DELETE_MEMORY ->
              server.send("DELETE", "/v1/users/ann/memories/" + memoryId, key.secret(), null);
          case OBSERVE ->
              server.post(
                  "/v1/observe",
                  key.secret(),
                  Map.of(
                      "user_id",
                      "ann",
                      "messages",
                      List.of(Map.of("role", "user", "content", "Hello there."))));
        };
    if (reply.status() < 300) {
      return Verdict.ALLOWED;
    }
    // REST's shape: the status, and {"error": {"code", "message"}}.
    JsonNode error = reply.json().path("error");
    assertThat(error.path("code").asText()).as(reply.body()).isNotBlank();
    assertThat(error.path("message").asText()).as(reply.body()).isNotBlank();
    return verdict(reply.status(), reply.body());
  }

  private Verdict mcp(Op op, Key key, String memoryId) throws Exception {
    // A key the server does not accept is refused before MCP: HTTP 401 with a JSON error.
    HttpResponse<String> probe =
        HTTP.send(
            HttpRequest.newBuilder(server.uri("/mcp"))
                .header("Authorization", "Bearer " + key.secret())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"jsonrpc\":\"2.0\",\"method\":\"ping\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (probe.statusCode() == 401) {
      assertThat(Json.MAPPER.readTree(probe.body()).path("error").path("message").asText())
          .isNotBlank();
      return Verdict.UNAUTHENTICATED;
    }
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("user_id", "ann");
    String tool =
        switch (op) {
          case READ_CONTEXT -> {
            args.put("query", "dinner");
            yield "get_context";
          }
          case WRITE_MEMORY -> {
            args.put("text", "User likes walking.");
            yield "remember";
          }
          case READ_MEMORIES -> "list_memories";
          case DELETE_MEMORY -> {
            args.put("memory_id", memoryId);
            yield "forget_memory";
          }
          case OBSERVE -> throw new AssertionError("MCP does not observe");
        };
    try (McpSyncClient client =
        McpClient.sync(
                HttpClientStreamableHttpTransport.builder(server.uri("/").toString())
                    .endpoint("/mcp")
                    .requestBuilder(
                        HttpRequest.newBuilder().header("Authorization", "Bearer " + key.secret()))
                    .build())
            .requestTimeout(Duration.ofSeconds(30))
            .build()) {
      client.initialize();
      try {
        McpSchema.CallToolResult result =
            client.callTool(new McpSchema.CallToolRequest(tool, args));
        assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
        return Verdict.ALLOWED;
      } catch (McpError e) {
        // MCP's shape: a JSON-RPC error with a code and a message.
        int code = e.getJsonRpcError().code();
        assertThat(e.getJsonRpcError().message()).isNotBlank();
        if (code == dev.attune.server.mcp.JsonRpc.FORBIDDEN) {
          return Verdict.FORBIDDEN;
        }
        if (code == McpSchema.ErrorCodes.INVALID_PARAMS
            && e.getJsonRpcError().message().contains("no memory")) {
          return Verdict.NOT_FOUND;
        }
        throw e;
      }
    }
  }

  private Verdict proxy(Key key) throws Exception {
    HttpResponse<String> reply =
        HTTP.send(
            HttpRequest.newBuilder(server.uri("/v1/proxy/openai/chat/completions"))
                .header("Authorization", "Bearer sk-provider")
                .header("X-Attune-Key", key.secret())
                .header("X-Attune-User-Id", "ann")
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
                            + "\"content\":\"Hello there.\"}]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (reply.statusCode() < 300) {
      return Verdict.ALLOWED;
    }
    // The provider's shape: OpenAI's {"error": {"message", "type", "code"}}.
    JsonNode error = Json.MAPPER.readTree(reply.body()).path("error");
    assertThat(error.path("message").asText()).as(reply.body()).isNotBlank();
    assertThat(error.path("type").asText()).as(reply.body()).isNotBlank();
    return verdict(reply.statusCode(), reply.body());
  }

  private static Verdict verdict(int status, String body) {
    return switch (status) {
      case 401 -> Verdict.UNAUTHENTICATED;
      case 403 -> Verdict.FORBIDDEN;
      case 404 -> Verdict.NOT_FOUND;
      default -> throw new AssertionError("unexpected " + status + ": " + body);
    };
  }

  // ---- keys and data ----

  private static Key key(KeyKind kind) throws InterruptedException {
    Keys keys = server.api.keys();
    Keys.Minted minted =
        switch (kind) {
          case ADMIN -> keys.create(SHOP, KeyRole.ADMIN, "admin", null, null);
          case SERVICE, REVOKED -> keys.create(SHOP, KeyRole.SERVICE, "service", null, null);
          case OWN_USER_TOKEN -> keys.create(SHOP, KeyRole.USER, null, ANN, Duration.ofMinutes(5));
          case OTHER_USER_TOKEN ->
              keys.create(SHOP, KeyRole.USER, null, UserId.of("bob"), Duration.ofMinutes(5));
          case EXPIRED -> keys.create(SHOP, KeyRole.USER, null, ANN, Duration.ofMillis(1));
          case OTHER_TENANT ->
              keys.create(TenantId.of("other"), KeyRole.SERVICE, "service", null, null);
        };
    ApiKey key = minted.key();
    if (kind == KeyKind.REVOKED) {
      assertThat(keys.revoke(SHOP, key.id())).isTrue();
    }
    if (kind == KeyKind.EXPIRED) {
      Thread.sleep(20);
    }
    return new Key(minted.secret(), key.id(), key.role());
  }

  private static String plantMemory() {
    Memory m =
        server.attune.addMemory(
            SHOP, ANN, NewMemory.of("User owns a red bicycle.", Category.FACT), "test");
    return m.id().value();
  }

  private static int shopMemories() {
    return server
        .attune
        .memories(SHOP, ANN, new MemoryQuery(EnumSet.of(MemoryStatus.ACTIVE), Set.of(), 0, 10_000))
        .size();
  }
}
