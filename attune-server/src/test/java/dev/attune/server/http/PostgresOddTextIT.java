package dev.attune.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.attune.api.Json;
import dev.attune.core.model.KeyRole;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every string field of every body, one at a time, set to text PostgreSQL refuses in a text column
 * (a NUL) or that UTF-8 cannot carry (half a surrogate pair), on {@code serve}'s PostgreSQL engine:
 * never a 500, and an observation is never left failed by it.
 */
class PostgresOddTextIT {
  static TestServer server;
  static String admin;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.postgres();
    admin = server.key("odd", KeyRole.ADMIN);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  record Target(String method, String path, String body) {}

  static final List<Target> TARGETS =
      List.of(
          new Target(
              "POST", "/v1/context", "{\"user_id\":\"u1\",\"query\":\"tea\",\"session_id\":\"s\"}"),
          new Target(
              "POST",
              "/v1/observe?wait=true",
              "{\"user_id\":\"u1\",\"session_id\":\"s\",\"messages\":[{\"role\":\"user\","
                  + "\"content\":\"I love green tea\",\"name\":\"Ann\",\"id\":\"m1\"}]}"),
          new Target(
              "POST",
              "/v1/users/u1/memories",
              "{\"text\":\"Drinks oolong\",\"category\":\"preference\"}"),
          new Target(
              "PUT",
              "/v1/users/u1/profile",
              "{\"name\":\"Ann\",\"role\":\"engineer\",\"preferences\":[\"short answers\"],"
                  + "\"attributes\":{\"team\":\"core\"}}"),
          new Target(
              "PUT",
              "/v1/orgs/o1",
              "{\"name\":\"Org\",\"industry\":\"tea\",\"compliance\":[\"no prices\"],"
                  + "\"terminology\":{\"PR\":\"pull request\"},\"tone\":[\"plain\"]}"),
          new Target(
              "POST",
              "/v1/feedback",
              "{\"user_id\":\"u1\",\"signal\":\"thumbs_up\"," + "\"comment\":\"nice\"}"),
          new Target("POST", "/v1/keys", "{\"role\":\"service\",\"label\":\"app\"}"));

  @Test
  void aNulOrABrokenSurrogateInAnyStringFieldIsNeverA500() {
    int sent = 0;
    for (Target t : TARGETS) {
      JsonNode good = read(t.body());
      List<List<Object>> paths = new ArrayList<>();
      strings(good, new ArrayList<>(), paths);
      for (List<Object> path : paths) {
        for (String odd : List.of("a\u0000b", "\ud800", "x\udc00y")) {
          JsonNode body = good.deepCopy();
          set(body, path, odd);
          String text = Json.write(body);
          TestServer.Reply r = server.send(t.method(), t.path(), admin, text);
          sent++;
          assertThat(r.status())
              .as(t.method() + " " + t.path() + " " + text + " -> " + r.body())
              .isLessThan(500);
          if (r.status() >= 400) {
            assertThat(r.errorCode()).as(r.body()).isNotBlank();
          } else if (t.path().startsWith("/v1/observe")) {
            assertThat(r.json().get("status").asText())
                .as(text + " -> " + r.body())
                .isEqualTo("done");
          }
        }
      }
    }
    assertThat(sent).isGreaterThan(40);
  }

  private static JsonNode read(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The paths (field names and array indexes) of every string value in {@code node}. */
  private static void strings(JsonNode node, List<Object> at, List<List<Object>> out) {
    if (node.isTextual()) {
      out.add(List.copyOf(at));
    } else if (node.isObject()) {
      node.fieldNames()
          .forEachRemaining(
              f -> {
                at.add(f);
                strings(node.get(f), at, out);
                at.remove(at.size() - 1);
              });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        at.add(i);
        strings(node.get(i), at, out);
        at.remove(at.size() - 1);
      }
    }
  }

  private static void set(JsonNode root, List<Object> path, String value) {
    JsonNode parent = root;
    for (int i = 0; i < path.size() - 1; i++) {
      Object p = path.get(i);
      parent = p instanceof Integer n ? parent.get(n) : parent.get((String) p);
    }
    Object last = path.get(path.size() - 1);
    if (last instanceof Integer n) {
      ((ArrayNode) parent).set(n, value);
    } else {
      ((ObjectNode) parent).put((String) last, value);
    }
  }
}
