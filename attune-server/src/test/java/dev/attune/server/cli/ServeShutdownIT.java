package dev.attune.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.api.Json;
import dev.attune.server.http.ScriptedUpstream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ./attune serve} as a real child process, stopped with SIGTERM while a request is in flight
 * (a proxied chat whose model takes 2 s) and an observation was just accepted: the request is
 * answered, the process exits 0 well within {@code shutdown_timeout_ms}, and after a restart on the
 * same data directory the observation is learned and the request's audit entry is there. And an
 * answered request's audit entry survives SIGKILL: it is written before the answer.
 */
class ServeShutdownIT {
  static final HttpClient HTTP = ServeProcess.HTTP;

  static ServeProcess start(Path data, String upstream) throws Exception {
    return ServeProcess.start(
        Map.of(),
        "--data",
        data.toString(),
        "--proxy-openai-base-url",
        upstream,
        "--shutdown-timeout-ms",
        "20000");
  }

  @Test
  void sigtermAnswersWhatIsInFlightFinishesLearningAndExitsZero() throws Exception {
    Path data = Files.createTempDirectory("attune-shutdown");
    try (ScriptedUpstream model = new ScriptedUpstream()) {
      model.delayMillis = 2_000;
      ServeProcess serve = start(data, model.url());
      String admin = serve.adminKey();
      // The start-up banner says where each proxy route forwards.
      assertThat(serve.output())
          .contains(
              "Model proxy: /v1/proxy/openai forwards to "
                  + model.url()
                  + ", /v1/proxy/anthropic to https://api.anthropic.com.");

      HttpResponse<String> accepted =
          serve.send(
              "POST",
              "/v1/observe",
              admin,
              "{\"user_id\":\"ann\",\"messages\":[{\"role\":\"user\",\"content\":\"I live in Oslo.\"}]}");
      assertThat(accepted.statusCode()).isEqualTo(202);
      String observation = Json.MAPPER.readTree(accepted.body()).get("observation_id").asText();

      CompletableFuture<HttpResponse<String>> inFlight =
          HTTP.sendAsync(
              HttpRequest.newBuilder(serve.uri("/v1/proxy/openai/chat/completions"))
                  .header("Authorization", "Bearer sk-client")
                  .header("X-Attune-Key", admin)
                  .header("X-Attune-User-Id", "ann")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
                              + "\"content\":\"Dinner ideas?\"}]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      // The request is with the (slow) model now.
      long waited = System.nanoTime();
      while (model.seen.isEmpty() && System.nanoTime() - waited < TimeUnit.SECONDS.toNanos(20)) {
        Thread.sleep(20);
      }
      assertThat(model.seen).isNotEmpty();

      long stopping = System.nanoTime();
      serve.process().destroy(); // SIGTERM
      HttpResponse<String> answered = inFlight.get(30, TimeUnit.SECONDS);
      assertThat(answered.statusCode()).isEqualTo(200);
      assertThat(answered.body()).contains(ScriptedUpstream.REPLY);
      assertThat(serve.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(serve.process().exitValue()).isEqualTo(0);
      assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(20));
      // Its last words, read by the draining thread.
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> serve.output().stream().anyMatch(l -> l.startsWith("Attune stopped in")));

      // Restarted on the same data: what was accepted is learned, the request's audit is kept.
      model.delayMillis = 0;
      ServeProcess again = start(data, model.url());
      try {
        JsonNode learned = null;
        for (int i = 0; i < 100; i++) {
          learned =
              Json.MAPPER.readTree(
                  again.send("GET", "/v1/observations/" + observation, admin, null).body());
          if ("done".equals(learned.path("status").asText())) {
            break;
          }
          Thread.sleep(100);
        }
        assertThat(learned.path("status").asText()).isEqualTo("done");
        JsonNode audit = Json.MAPPER.readTree(again.send("GET", "/v1/audit", admin, null).body());
        assertThat(audit.get("entries").toString()).contains("/v1/proxy/openai/chat/completions");
      } finally {
        again.process().destroy();
        again.process().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void anAnsweredRequestsAuditEntrySurvivesSigkill() throws Exception {
    Path data = Files.createTempDirectory("attune-kill");
    try (ScriptedUpstream model = new ScriptedUpstream()) {
      ServeProcess serve = start(data, model.url());
      String admin = serve.adminKey();
      HttpResponse<String> context =
          serve.send("POST", "/v1/context", admin, "{\"user_id\":\"zoe\",\"query\":\"x\"}");
      assertThat(context.statusCode()).isEqualTo(200);

      serve.process().destroyForcibly(); // SIGKILL: no shutdown hook, no flush
      assertThat(serve.process().waitFor(30, TimeUnit.SECONDS)).isTrue();

      ServeProcess again = start(data, model.url());
      try {
        JsonNode audit = Json.MAPPER.readTree(again.send("GET", "/v1/audit", admin, null).body());
        assertThat(audit.get("entries").toString()).contains("POST /v1/context").contains("zoe");
      } finally {
        again.process().destroy();
        again.process().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
