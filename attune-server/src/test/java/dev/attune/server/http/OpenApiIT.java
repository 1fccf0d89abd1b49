package dev.attune.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.attune.core.model.KeyRole;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The published OpenAPI document against the real server: the same routes and methods, and every
 * answer of a tour through the API (successes and errors) valid against the schema documented for
 * its operation and status.
 */
class OpenApiIT {
  static TestServer server;
  static JsonNode doc;
  static final SchemaRegistry SCHEMAS =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  @BeforeAll
  static void start() throws Exception {
    server = new TestServer();
    doc = new ObjectMapper(new YAMLFactory()).readTree(server.get("/openapi.yaml", null).body());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void documentsExactlyTheRoutesTheServerServes() {
    assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
    Set<String> documented = new LinkedHashSet<>();
    for (Iterator<String> paths = doc.get("paths").fieldNames(); paths.hasNext(); ) {
      String path = paths.next();
      for (Iterator<String> methods = doc.get("paths").get(path).fieldNames();
          methods.hasNext(); ) {
        String method = methods.next();
        if (!method.equals("parameters")) {
          documented.add(method.toUpperCase(Locale.ROOT) + " " + path);
        }
      }
    }
    Set<String> served = new LinkedHashSet<>();
    server.api.routes().forEach(r -> served.add(r.method() + " " + r.path()));
    // MCP's endpoint is a servlet beside the routes; it is documented all the same.
    McpEndpoint.METHODS.forEach(m -> served.add(m + " " + McpEndpoint.PATH));
    assertThat(documented).containsExactlyInAnyOrderElementsOf(served);
    for (Routes.Route r : server.api.routes()) {
      JsonNode op = doc.get("paths").get(r.path()).get(r.method().toLowerCase(Locale.ROOT));
      boolean isPublic = op.has("security") && op.get("security").isEmpty();
      assertThat(isPublic).as(r.toString()).isEqualTo(r.operation() == Operation.PUBLIC);
    }
  }

  @Test
  void everyAnswerOfATourMatchesItsDocumentedSchema() {
    String admin = server.key("tour", KeyRole.ADMIN);
    String service = server.key("tour", KeyRole.SERVICE);
    List<String> failures = new ArrayList<>();
    record Call(String method, String template, String path, String key, String body) {}
    String user = "tour-ann";
    String m =
        "{\"role\":\"user\",\"content\":\"I live in Lisbon and I love surfing.\",\"id\":\"t1\"}";
    List<Call> calls =
        new ArrayList<>(
            List.of(
                new Call("GET", "/health", "/health", null, null),
                new Call(
                    "POST",
                    "/v1/observe",
                    "/v1/observe?wait=true",
                    service,
                    "{\"user_id\":\"" + user + "\",\"session_id\":\"s\",\"messages\":[" + m + "]}"),
                new Call(
                    "POST",
                    "/v1/observe",
                    "/v1/observe",
                    service,
                    "{\"user_id\":\""
                        + user
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"I moved to Porto.\"}]}"),
                new Call(
                    "POST",
                    "/v1/observe",
                    "/v1/observe",
                    service,
                    "{\"user_id\":\"" + user + "\",\"messages\":[]}"),
                new Call(
                    "POST",
                    "/v1/context",
                    "/v1/context",
                    service,
                    "{\"user_id\":\"" + user + "\",\"query\":\"surf\",\"timeout_ms\":5000}"),
                new Call(
                    "POST",
                    "/v1/context",
                    "/v1/context",
                    service,
                    "{\"user_id\":\"" + user + "\",\"max_tokens\":0}"),
                new Call("POST", "/v1/context", "/v1/context", service, "{\"nope\":1}"),
                new Call("POST", "/v1/context", "/v1/context", null, "{}"),
                new Call(
                    "GET",
                    "/v1/users/{user_id}/profile",
                    "/v1/users/" + user + "/profile",
                    service,
                    null),
                new Call(
                    "GET",
                    "/v1/users/{user_id}/profile",
                    "/v1/users/nobody/profile",
                    service,
                    null),
                new Call(
                    "PUT",
                    "/v1/users/{user_id}/profile",
                    "/v1/users/" + user + "/profile",
                    service,
                    "{\"name\":\"Ann\",\"attributes\":{\"tz\":\"UTC\"}}"),
                new Call(
                    "PATCH",
                    "/v1/users/{user_id}/profile",
                    "/v1/users/" + user + "/profile",
                    service,
                    "{\"role\":\"nurse\"}"),
                new Call(
                    "GET",
                    "/v1/users/{user_id}/memories",
                    "/v1/users/" + user + "/memories?status=all",
                    service,
                    null),
                new Call(
                    "POST",
                    "/v1/users/{user_id}/memories",
                    "/v1/users/" + user + "/memories",
                    service,
                    "{\"text\":\"Ann drinks tea\",\"category\":\"preference\"}"),
                new Call(
                    "POST",
                    "/v1/users/{user_id}/memories",
                    "/v1/users/" + user + "/memories",
                    service,
                    "{\"text\":\"\",\"category\":\"preference\"}"),
                new Call(
                    "GET",
                    "/v1/users/{user_id}/memories/{memory_id}",
                    "/v1/users/" + user + "/memories/mem_missing",
                    service,
                    null),
                new Call(
                    "GET",
                    "/v1/users/{user_id}/export",
                    "/v1/users/" + user + "/export",
                    service,
                    null),
                new Call(
                    "PUT",
                    "/v1/orgs/{org_id}",
                    "/v1/orgs/o1",
                    admin,
                    "{\"name\":\"Org\",\"compliance\":[\"Rule.\"]}"),
                new Call("PUT", "/v1/orgs/{org_id}", "/v1/orgs/o1", service, "{\"name\":\"Org\"}"),
                new Call("GET", "/v1/orgs/{org_id}", "/v1/orgs/o1", service, null),
                new Call(
                    "POST",
                    "/v1/keys",
                    "/v1/keys",
                    admin,
                    "{\"role\":\"service\",\"label\":\"x\"}"),
                new Call("GET", "/v1/keys", "/v1/keys", admin, null),
                new Call(
                    "POST",
                    "/v1/user-tokens",
                    "/v1/user-tokens",
                    admin,
                    "{\"user_id\":\"" + user + "\"}"),
                new Call("GET", "/v1/audit", "/v1/audit", admin, null),
                new Call("GET", "/v1/audit", "/v1/audit", service, null),
                new Call("GET", "/v1/usage", "/v1/usage", admin, null),
                new Call("GET", "/v1/usage", "/v1/usage?from=2025-13-01", admin, null),
                new Call("GET", "/v1/usage", "/v1/usage", service, null)));
    // Calls that need ids from earlier answers.
    TestServer.Reply added =
        server.post(
            "/v1/users/" + user + "/memories",
            service,
            "{\"text\":\"Ann likes jazz\",\"category\":\"preference\"}");
    String memoryId = added.json().get("id").asText();
    String observationId =
        server
            .post(
                "/v1/observe",
                service,
                "{\"user_id\":\""
                    + user
                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
            .json()
            .get("observation_id")
            .asText();
    String contextId =
        server
            .post("/v1/context", service, "{\"user_id\":\"" + user + "\",\"query\":\"surf\"}")
            .json()
            .get("context_id")
            .asText();
    String experiment =
        "{\"arms\":[{\"name\":\"generic\",\"share\":0.5,\"personalize\":false},"
            + "{\"name\":\"on\",\"share\":0.5,\"personalize\":true,\"max_tokens\":800}]}";
    calls.addAll(
        List.of(
            new Call(
                "POST",
                "/v1/feedback",
                "/v1/feedback",
                service,
                "{\"user_id\":\""
                    + user
                    + "\",\"context_id\":\""
                    + contextId
                    + "\",\"signal\":\"rating\",\"value\":4,\"comment\":\"good\"}"),
            new Call(
                "POST",
                "/v1/feedback",
                "/v1/feedback",
                service,
                "{\"user_id\":\"" + user + "\",\"signal\":\"rating\",\"value\":9}"),
            new Call(
                "POST",
                "/v1/feedback",
                "/v1/feedback",
                service,
                "{\"user_id\":\""
                    + user
                    + "\",\"context_id\":\"ctx_nope\",\"signal\":\"thumbs_up\"}"),
            new Call("PUT", "/v1/experiments/{name}", "/v1/experiments/tour", admin, experiment),
            new Call(
                "PUT",
                "/v1/experiments/{name}",
                "/v1/experiments/tour",
                admin,
                "{\"arms\":[{\"name\":\"a\",\"share\":0.7,\"personalize\":true}]}"),
            new Call("PUT", "/v1/experiments/{name}", "/v1/experiments/other", admin, experiment),
            new Call("PUT", "/v1/experiments/{name}", "/v1/experiments/tour", service, experiment),
            new Call("GET", "/v1/experiments", "/v1/experiments", admin, null),
            new Call("GET", "/v1/experiments/{name}", "/v1/experiments/tour", admin, null),
            new Call("GET", "/v1/experiments/{name}", "/v1/experiments/none", admin, null),
            new Call(
                "GET",
                "/v1/experiments/{name}/results",
                "/v1/experiments/tour/results",
                admin,
                null),
            new Call(
                "GET",
                "/v1/experiments/{name}/results",
                "/v1/experiments/tour/results?from=yesterday",
                admin,
                null),
            new Call("DELETE", "/v1/experiments/{name}", "/v1/experiments/tour", admin, null),
            new Call("DELETE", "/v1/experiments/{name}", "/v1/experiments/tour", admin, null),
            new Call("GET", "/v1/effectiveness", "/v1/effectiveness", admin, null),
            new Call("GET", "/v1/effectiveness", "/v1/effectiveness?granularity=hour", admin, null),
            new Call("GET", "/v1/effectiveness", "/v1/effectiveness?granularity=week", admin, null),
            new Call(
                "GET",
                "/v1/users/{user_id}/contexts",
                "/v1/users/" + user + "/contexts",
                service,
                null),
            new Call(
                "GET",
                "/v1/users/{user_id}/contexts/{context_id}",
                "/v1/users/" + user + "/contexts/" + contextId,
                service,
                null),
            new Call(
                "GET",
                "/v1/users/{user_id}/contexts/{context_id}",
                "/v1/users/someone-else/contexts/" + contextId,
                service,
                null),
            new Call(
                "GET",
                "/v1/observations/{observation_id}",
                "/v1/observations/" + observationId,
                service,
                null),
            new Call(
                "GET",
                "/v1/users/{user_id}/memories/{memory_id}",
                "/v1/users/" + user + "/memories/" + memoryId,
                service,
                null),
            new Call(
                "PATCH",
                "/v1/users/{user_id}/memories/{memory_id}",
                "/v1/users/" + user + "/memories/" + memoryId,
                service,
                "{\"pinned\":true}"),
            new Call(
                "GET",
                "/v1/users/{user_id}/memories/{memory_id}/history",
                "/v1/users/" + user + "/memories/" + memoryId + "/history",
                service,
                null),
            new Call(
                "DELETE",
                "/v1/users/{user_id}/memories/{memory_id}",
                "/v1/users/" + user + "/memories/" + memoryId,
                service,
                null),
            new Call("DELETE", "/v1/orgs/{org_id}", "/v1/orgs/o1", admin, null),
            new Call("DELETE", "/v1/keys/{key_id}", "/v1/keys/key_missing", admin, null),
            new Call("DELETE", "/v1/users/{user_id}", "/v1/users/" + user, service, null)));

    for (Call c : calls) {
      TestServer.Reply r = server.send(c.method(), c.path(), c.key(), c.body());
      JsonNode op = doc.get("paths").get(c.template()).get(c.method().toLowerCase(Locale.ROOT));
      JsonNode response = op.get("responses").get(Integer.toString(r.status()));
      if (response == null) {
        failures.add(
            c.method()
                + " "
                + c.path()
                + " answered "
                + r.status()
                + ", which is not documented: "
                + r.body());
        continue;
      }
      if (response.has("$ref")) {
        response = resolve(response.get("$ref").asText());
      }
      JsonNode content = response.get("content");
      if (content == null) {
        if (!r.body().isEmpty()) {
          failures.add(
              c.method() + " " + c.path() + " " + r.status() + " has a body but documents none");
        }
        continue;
      }
      JsonNode schema =
          content.get("application/json") != null
              ? content.get("application/json").get("schema")
              : null;
      if (schema == null) {
        continue;
      }
      ObjectNode root = doc.deepCopy();
      root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
      root.set("$ref", schema.has("$ref") ? schema.get("$ref") : null);
      List<Error> errors = SCHEMAS.getSchema(root).validate(r.json());
      if (!errors.isEmpty()) {
        failures.add(
            c.method() + " " + c.path() + " " + r.status() + ": " + errors + " in " + r.body());
      }
    }
    assertThat(failures).isEmpty();
  }

  private static JsonNode resolve(String ref) {
    JsonNode node = doc;
    for (String part : ref.substring(2).split("/")) {
      node = node.get(part);
    }
    return node;
  }
}
