package dev.attune.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.core.model.KeyRole;
import dev.attune.core.port.Embedder;
import dev.attune.core.testing.HashingEmbedder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpLimitsIT {
  @Test
  void aKeyOverItsRateGets429WithRetryAfterAndOtherKeysAreUnaffected() throws Exception {
    try (TestServer s =
        new TestServer(Map.of("rate_limit", "1", "rate_burst", "2"), new HashingEmbedder())) {
      String a = s.key("t", KeyRole.SERVICE);
      String b = s.key("t", KeyRole.SERVICE);
      assertThat(s.post("/v1/context", a, "{\"user_id\":\"u\"}").status()).isEqualTo(200);
      assertThat(s.post("/v1/context", a, "{\"user_id\":\"u\"}").status()).isEqualTo(200);
      TestServer.Reply limited = s.post("/v1/context", a, "{\"user_id\":\"u\"}");
      assertThat(limited.status()).isEqualTo(429);
      assertThat(limited.errorCode()).isEqualTo("rate_limited");
      assertThat(limited.headers().firstValue("Retry-After")).contains("1");
      assertThat(s.post("/v1/context", b, "{\"user_id\":\"u\"}").status()).isEqualTo(200);
    }
  }

  @Test
  void requestsJettyRefusesBeforeTheApiStillGetTheJsonErrorFormat() throws Exception {
    try (TestServer s = new TestServer(Map.of(), new HashingEmbedder())) {
      String key = s.key("t", KeyRole.SERVICE);
      // A path that cannot be decoded, and a URI too long: refused by Jetty, not by a route.
      TestServer.Reply nul = s.get("/v1/users/%00/memories", key);
      assertThat(nul.status()).isEqualTo(400);
      assertThat(nul.headers().firstValue("Content-Type").orElse(""))
          .startsWith("application/json");
      assertThat(nul.errorCode()).isEqualTo("bad_request");
      TestServer.Reply longUri = s.get("/v1/users/" + "u".repeat(20_000) + "/memories", key);
      assertThat(longUri.status()).isEqualTo(414);
      assertThat(longUri.errorCode()).isEqualTo("uri_too_long");
      assertThat(longUri.body()).doesNotContain("<html");
    }
  }

  @Test
  void aBodyOverTheLimitGets413AndNothingIsStored() throws Exception {
    try (TestServer s = new TestServer(Map.of("max_body_bytes", "4096"), new HashingEmbedder())) {
      String key = s.key("t", KeyRole.SERVICE);
      String big =
          "{\"user_id\":\"big\",\"messages\":[{\"role\":\"user\",\"content\":\""
              + "I live in Oslo. ".repeat(400)
              + "\"}]}";
      TestServer.Reply r = s.post("/v1/observe", key, big);
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.errorCode()).isEqualTo("payload_too_large");
      assertThat(r.errorField()).isEqualTo("body");
      assertThat(s.get("/v1/users/big/profile", key).status()).isEqualTo(404);
      // The MCP endpoint (the SDK's servlet, beside the API's routes) keeps the same limit.
      TestServer.Reply mcp = s.post("/mcp", key, big);
      assertThat(mcp.status()).isEqualTo(413);
      assertThat(mcp.json().path("error").path("message").asText()).contains("max_body_bytes");
    }
  }

  @Test
  void aSlowRetrievalAnswersAtOnceDegradedWithTheProfile() throws Exception {
    HashingEmbedder fast = new HashingEmbedder();
    java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
    Embedder slow =
        new Embedder() {
          @Override
          public String modelId() {
            return fast.modelId();
          }

          @Override
          public int dimensions() {
            return fast.dimensions();
          }

          @Override
          public List<float[]> embedAll(List<String> texts) {
            if (texts.size() == 1 && texts.get(0).startsWith("slow")) {
              try {
                // Held until the test has its answer: an answer that waited would never come.
                released.await(30, java.util.concurrent.TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return fast.embedAll(texts);
          }
        };
    try (TestServer s = new TestServer(Map.of(), slow)) {
      String key = s.key("t", KeyRole.SERVICE);
      s.send("PUT", "/v1/users/ann/profile", key, "{\"name\":\"Ann\"}");
      TestServer.Reply r =
          s.post(
              "/v1/context",
              key,
              "{\"user_id\":\"ann\",\"query\":\"slow question\",\"timeout_ms\":100}");
      assertThat(released.getCount()).as("answered while retrieval was still held").isEqualTo(1);
      released.countDown();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().get("degraded").asBoolean()).isTrue();
      assertThat(r.json().get("context").asText()).contains("\"Ann\"");
    }
  }
}
