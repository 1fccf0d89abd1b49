package dev.attune.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.core.model.KeyRole;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seeded random bodies (wrong types, nulls, deep nesting, huge numbers, odd Unicode, broken JSON)
 * against every endpoint that takes a body: never a 500, always the error format.
 */
class HttpFuzzIT {
  static TestServer server;
  static String admin;

  @BeforeAll
  static void start() throws Exception {
    server = new TestServer();
    admin = server.key("fuzz", KeyRole.ADMIN);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static final List<String> FIELDS =
      List.of(
          "user_id",
          "query",
          "max_tokens",
          "messages",
          "role",
          "content",
          "id",
          "timestamp",
          "name",
          "conversation",
          "categories",
          "from",
          "to",
          "limit",
          "timeout_ms",
          "text",
          "category",
          "pinned",
          "valid_from",
          "org_id",
          "session_id",
          "preferences",
          "attributes",
          "compliance",
          "ttl_seconds",
          "model_context_window",
          "label",
          "terminology");

  static String value(Random r, int depth) {
    return switch (r.nextInt(depth > 3 ? 8 : 11)) {
      case 0 -> "null";
      case 1 -> Long.toString(r.nextLong());
      case 2 -> "1e400";
      case 3 ->
          "\""
              + List.of(
                      "",
                      "user",
                      "x".repeat(r.nextInt(3000)),
                      "2024-05-01T10:00:00Z",
                      "ünï\u0000cödé",
                      "\\ud800",
                      "fact",
                      "<|endoftext|>")
                  .get(r.nextInt(8))
                  .replace("\u0000", "\\u0000")
              + "\"";
      case 4 -> r.nextBoolean() ? "true" : "false";
      case 5 -> "-0.5";
      case 6 -> "\"u" + r.nextInt(5) + "\"";
      case 7 -> "[]";
      case 8 -> "[" + value(r, depth + 1) + "," + value(r, depth + 1) + "]";
      case 9 -> object(r, depth + 1);
      default -> "[{\"role\":" + value(r, depth + 1) + ",\"content\":" + value(r, depth + 1) + "}]";
    };
  }

  static String object(Random r, int depth) {
    StringBuilder b = new StringBuilder("{");
    int n = r.nextInt(5);
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",")
          .append('"')
          .append(FIELDS.get(r.nextInt(FIELDS.size())))
          .append("\":")
          .append(value(r, depth));
    }
    return b.append('}').toString();
  }

  @Test
  void textTheEmbedderCannotReadIsStillObservedAndQueried() {
    // A NUL or half a surrogate pair once failed the embedder: a 500 for a context, a failed
    // observation (losing the readable messages beside it) and a 500 for an explicit memory.
    TestServer.Reply observed =
        server.send(
            "POST",
            "/v1/observe?wait=true",
            admin,
            "{\"user_id\":\"odd\",\"messages\":[{\"role\":\"user\",\"content\":\"\\u0000\"},"
                + "{\"role\":\"user\",\"content\":\"I love \\ud800 green tea.\"}]}");
    assertThat(observed.status()).as(observed.body()).isEqualTo(200);
    assertThat(observed.json().get("status").asText()).as(observed.body()).isEqualTo("done");
    for (String query : List.of("\\u0000", "\\ud800", "\\u200b", "green tea")) {
      TestServer.Reply context =
          server.send(
              "POST",
              "/v1/context",
              admin,
              "{\"user_id\":\"odd\",\"query\":\"" + query + "\",\"max_tokens\":300}");
      assertThat(context.status()).as(query + " -> " + context.body()).isEqualTo(200);
    }
    TestServer.Reply tea =
        server.send("POST", "/v1/context", admin, "{\"user_id\":\"odd\",\"query\":\"which tea\"}");
    assertThat(tea.json().get("context").asText()).contains("green tea");
    TestServer.Reply memory =
        server.send(
            "POST",
            "/v1/users/odd/memories",
            admin,
            "{\"text\":\"\\u0000\\ud800\",\"category\":\"preference\"}");
    assertThat(memory.status()).as(memory.body()).isEqualTo(422);
    assertThat(memory.json().get("error").get("field").asText()).isEqualTo("text");
    TestServer.Reply readable =
        server.send(
            "POST",
            "/v1/users/odd/memories",
            admin,
            "{\"text\":\"Drinks \\ud800 oolong\",\"category\":\"preference\"}");
    assertThat(readable.status()).as(readable.body()).isEqualTo(201);
  }

  @Test
  void randomBodiesNeverCauseA500() {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    List<String[]> targets =
        List.of(
            new String[] {"POST", "/v1/context"},
            new String[] {"POST", "/v1/observe"},
            new String[] {"PUT", "/v1/users/u1/profile"},
            new String[] {"PATCH", "/v1/users/u1/profile"},
            new String[] {"POST", "/v1/users/u1/memories"},
            new String[] {"PATCH", "/v1/users/u1/memories/mem_x"},
            new String[] {"PUT", "/v1/orgs/o1"},
            new String[] {"POST", "/v1/keys"},
            new String[] {"POST", "/v1/user-tokens"});
    for (int i = 0; i < 400; i++) {
      String[] t = targets.get(r.nextInt(targets.size()));
      String full = object(r, 0);
      // One in ten is cut short: broken JSON.
      String body = r.nextInt(10) == 0 ? full.substring(0, 1 + r.nextInt(full.length())) : full;
      TestServer.Reply reply = server.send(t[0], t[1], admin, body);
      assertThat(reply.status())
          .as("seed " + seed + ": " + t[0] + " " + t[1] + " " + body + " -> " + reply.body())
          .isLessThan(500);
      if (reply.status() >= 400) {
        assertThat(reply.json().get("error").get("message").asText()).as(body).isNotBlank();
      }
    }
  }
}
