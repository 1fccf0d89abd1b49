package dev.attune.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.core.model.KeyRole;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The effectiveness API over HTTP on the real server (SQLite, encrypted): packs with ids, replies
 * matched with them, feedback, experiments and their results, the summary; bad input refused with a
 * 4xx naming the field and nothing written; one tenant never sees another's.
 */
class EffectivenessIT {
  static TestServer server;
  static String admin;
  static String service;
  static String otherAdmin;
  static String otherService;

  @BeforeAll
  static void start() throws Exception {
    server = new TestServer();
    admin = server.key("shop", KeyRole.ADMIN);
    service = server.key("shop", KeyRole.SERVICE);
    otherAdmin = server.key("rival", KeyRole.ADMIN);
    otherService = server.key("rival", KeyRole.SERVICE);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static void observe(String key, String user, String session, String messagesJson) {
    TestServer.Reply r =
        server.post(
            "/v1/observe?wait=true",
            key,
            "{\"user_id\":\""
                + user
                + "\",\"session_id\":\""
                + session
                + "\",\"messages\":"
                + messagesJson
                + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  static JsonNode context(String key, String user, String query) {
    TestServer.Reply r =
        server.post(
            "/v1/context",
            key,
            "{\"user_id\":\"" + user + "\",\"query\":\"" + query + "\",\"timeout_ms\":5000}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  @Test
  void aReplyNamingItsPackShowsWhichItemsItUsed() {
    observe(
        service,
        "ann",
        "s1",
        "[{\"role\":\"user\",\"content\":\"I'm vegetarian.\",\"id\":\"a1\"}]");
    JsonNode pack = context(service, "ann", "vegetarian dinner ideas");
    String contextId = pack.get("context_id").asText();
    assertThat(contextId).startsWith("ctx_");

    observe(
        service,
        "ann",
        "s2",
        "[{\"role\":\"assistant\",\"id\":\"a2\",\"content\":\"Try a vegetarian chickpea curry.\","
            + "\"context_id\":\""
            + contextId
            + "\"}]");

    JsonNode record = server.get("/v1/users/ann/contexts/" + contextId, service).json();
    assertThat(record.get("reply_message_id").asText()).isEqualTo("a2");
    assertThat(record.get("items").findValuesAsText("id")).isNotEmpty();
    assertThat(record.get("items").findValues("used").stream().anyMatch(JsonNode::asBoolean))
        .isTrue();
    assertThat(record.toString()).doesNotContain("vegetarian");
    // Another user of the tenant, and another tenant, cannot see it: the same 404 as unknown.
    assertThat(server.get("/v1/users/bob/contexts/" + contextId, service).status()).isEqualTo(404);
    assertThat(server.get("/v1/users/ann/contexts/" + contextId, otherService).status())
        .isEqualTo(404);
    assertThat(server.get("/v1/users/ann/contexts/ctx_unknown", service).status()).isEqualTo(404);
  }

  @Test
  void feedbackIsStoredAndBadFeedbackIsRefusedNamingTheFieldWritingNothing() {
    observe(
        service, "cy", "s1", "[{\"role\":\"user\",\"content\":\"I love jazz.\",\"id\":\"c1\"}]");
    String contextId = context(service, "cy", "music tonight").get("context_id").asText();

    TestServer.Reply ok =
        server.post(
            "/v1/feedback",
            service,
            "{\"user_id\":\"cy\",\"context_id\":\""
                + contextId
                + "\",\"signal\":\"thumbs_up\","
                + "\"comment\":\"mail me at cy@example.com\"}");
    assertThat(ok.status()).as(ok.body()).isEqualTo(201);
    assertThat(ok.json().get("comment").asText()).doesNotContain("cy@example.com");

    TestServer.Reply range =
        server.post(
            "/v1/feedback", service, "{\"user_id\":\"cy\",\"signal\":\"rating\",\"value\":6}");
    assertThat(range.status()).isEqualTo(422);
    assertThat(range.errorField()).isEqualTo("value");
    TestServer.Reply signal =
        server.post("/v1/feedback", service, "{\"user_id\":\"cy\",\"signal\":\"meh\"}");
    assertThat(signal.status()).isEqualTo(422);
    assertThat(signal.errorField()).isEqualTo("signal");
    TestServer.Reply unknown =
        server.post(
            "/v1/feedback",
            service,
            "{\"user_id\":\"cy\",\"context_id\":\"ctx_000\",\"signal\":\"thumbs_up\"}");
    assertThat(unknown.status()).isEqualTo(404);
    TestServer.Reply otherUser =
        server.post(
            "/v1/feedback",
            service,
            "{\"user_id\":\"dee\",\"context_id\":\"" + contextId + "\",\"signal\":\"thumbs_up\"}");
    assertThat(otherUser.status()).isEqualTo(404);
    assertThat(otherUser.body()).isEqualTo(unknown.body().replace("ctx_000", contextId));
    TestServer.Reply otherTenant =
        server.post(
            "/v1/feedback",
            otherService,
            "{\"user_id\":\"cy\",\"context_id\":\"" + contextId + "\",\"signal\":\"thumbs_up\"}");
    assertThat(otherTenant.status()).isEqualTo(404);

    JsonNode export = server.get("/v1/users/cy/export", service).json();
    assertThat(export.get("feedback")).hasSize(1);
    // Nothing was written for the user the refused feedback named.
    assertThat(server.get("/v1/users/dee/export", service).status()).isEqualTo(404);
  }

  @Test
  void badExperimentsAreRefusedNamingTheFieldAndNothingIsStored() {
    record Bad(String body, String field) {}
    for (Bad bad :
        new Bad[] {
          new Bad(
              "{\"arms\":[{\"name\":\"a\",\"share\":0.5,\"personalize\":true},"
                  + "{\"name\":\"b\",\"share\":0.4,\"personalize\":false}]}",
              "arms"),
          new Bad(
              "{\"arms\":[{\"name\":\"a\",\"share\":0.5,\"personalize\":true},"
                  + "{\"name\":\"a\",\"share\":0.5,\"personalize\":false}]}",
              "arms[1].name"),
          new Bad(
              "{\"arms\":[{\"name\":\"a\",\"share\":1.5,\"personalize\":true},"
                  + "{\"name\":\"b\",\"share\":-0.5,\"personalize\":false}]}",
              "arms[0].share"),
          new Bad("{\"arms\":[{\"name\":\"a\",\"share\":1}]}", "arms[0].personalize"),
          new Bad(
              "{\"arms\":[{\"name\":\"a\",\"share\":1,\"personalize\":true}],"
                  + "\"primary_metric\":\"vibes\"}",
              "primary_metric")
        }) {
      TestServer.Reply r = server.send("PUT", "/v1/experiments/bad", admin, bad.body());
      assertThat(r.status()).as(bad.body()).isEqualTo(422);
      assertThat(r.errorField()).as(bad.body()).isEqualTo(bad.field());
    }
    assertThat(server.get("/v1/experiments/bad", admin).status()).isEqualTo(404);
  }

  @Test
  void anExperimentAssignsArmsAndItsResultsAndTheSummaryStayInTheirTenant() {
    String holdout =
        "{\"arms\":[{\"name\":\"generic\",\"share\":1.0,\"personalize\":false}],"
            + "\"primary_metric\":\"thumbs_up\"}";
    assertThat(server.send("PUT", "/v1/experiments/h1", service, holdout).status()).isEqualTo(403);
    TestServer.Reply put = server.send("PUT", "/v1/experiments/h1", admin, holdout);
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    try {
      observe(
          service, "eve", "s1", "[{\"role\":\"user\",\"content\":\"I'm vegan.\",\"id\":\"e1\"}]");
      JsonNode pack = context(service, "eve", "vegan dinner");
      assertThat(pack.get("experiment").get("arm").asText()).isEqualTo("generic");
      assertThat(pack.get("context").asText()).doesNotContain("vegan");
      server.post(
          "/v1/feedback",
          service,
          "{\"user_id\":\"eve\",\"context_id\":\""
              + pack.get("context_id").asText()
              + "\",\"signal\":\"thumbs_down\"}");

      JsonNode results = server.get("/v1/experiments/h1/results", admin).json();
      assertThat(results.get("primary_metric").asText()).isEqualTo("thumbs_up");
      JsonNode arm = results.get("arms").get(0);
      assertThat(arm.get("users").asLong()).isEqualTo(1);
      assertThat(arm.get("metrics").get("thumbs_up").get("value").asDouble()).isEqualTo(0.0);
      assertThat(arm.get("verdict").asText()).isEqualTo("no evidence yet");
      // The other tenant's admin neither sees the experiment nor its users' packs are in it.
      assertThat(server.get("/v1/experiments/h1", otherAdmin).status()).isEqualTo(404);
      assertThat(server.get("/v1/experiments/h1/results", otherAdmin).status()).isEqualTo(404);
      observe(otherService, "eve", "s1", "[{\"role\":\"user\",\"content\":\"I'm vegan.\"}]");
      assertThat(context(otherService, "eve", "vegan dinner").get("experiment").isNull()).isTrue();
    } finally {
      server.send("DELETE", "/v1/experiments/h1", admin, null);
    }

    JsonNode summary = server.get("/v1/effectiveness?granularity=hour", admin).json();
    assertThat(summary.get("total").get("contexts").asLong()).isPositive();
    assertThat(summary.get("total").get("feedback").get("thumbs_down").asLong()).isEqualTo(1);
    JsonNode rival = server.get("/v1/effectiveness?granularity=hour", otherAdmin).json();
    assertThat(rival.get("total").get("feedback").get("thumbs_down").asLong()).isZero();
    assertThat(server.get("/v1/effectiveness", service).status()).isEqualTo(403);
    TestServer.Reply bad = server.get("/v1/effectiveness?from=2025-01-01T00:00:00Z", admin);
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.errorField()).isEqualTo("to");
  }

  @Test
  void prometheusCarriesTheCountersWithoutUserIds() {
    String scrape = server.get("/metrics", null).body();
    assertThat(scrape).contains("attune_feedback_total").doesNotContain("user_id");
  }
}
