package dev.attune.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.api.Json;
import dev.attune.server.http.ScriptedUpstream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
  static final HttpClient HTTP = HttpClient.newHttpClient();

  record Serve(Process process, int port, Path log) {
    URI uri(String path) {
      return URI.create("http://127.0.0.1:" + port + path);
    }

    List<String> output() throws java.io.IOException {
      return Files.readAllLines(log, StandardCharsets.UTF_8);
    }
  }

  static Serve start(Path data, String upstream) throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path log = Files.createTempFile("attune-serve", ".log");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                AttuneCli.class.getName(),
                "serve",
                "--data",
                data.toString(),
                "--port",
                Integer.toString(port),
                "--proxy-openai-base-url",
                upstream,
                "--shutdown-timeout-ms",
                "20000")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Serve serve = new Serve(p, port, log);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> serve.output().stream().anyMatch(l -> l.contains("Attune is ready")));
    return serve;
  }

  static HttpResponse<String> send(Serve s, String method, String path, String key, String body)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(s.uri(path))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void sigtermAnswersWhatIsInFlightFinishesLearningAndExitsZero() throws Exception {
    Path data = Files.createTempDirectory("attune-shutdown");
    try (ScriptedUpstream model = new ScriptedUpstream()) {
      model.delayMillis = 2_000;
      Serve serve = start(data, model.url());
      String admin =
          serve.output().stream()
              .map(String::strip)
              .filter(l -> l.startsWith("atn_"))
              .findFirst()
              .orElseThrow();

      HttpResponse<String> accepted =
          send(
              serve,
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
      Serve again = start(data, model.url());
      try {
        JsonNode learned = null;
        for (int i = 0; i < 100; i++) {
          learned =
              Json.MAPPER.readTree(
                  send(again, "GET", "/v1/observations/" + observation, admin, null).body());
          if ("done".equals(learned.path("status").asText())) {
            break;
          }
          Thread.sleep(100);
        }
        assertThat(learned.path("status").asText()).isEqualTo("done");
        JsonNode audit = Json.MAPPER.readTree(send(again, "GET", "/v1/audit", admin, null).body());
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
      Serve serve = start(data, model.url());
      String admin =
          serve.output().stream()
              .map(String::strip)
              .filter(l -> l.startsWith("atn_"))
              .findFirst()
              .orElseThrow();
      HttpResponse<String> context =
          send(serve, "POST", "/v1/context", admin, "{\"user_id\":\"zoe\",\"query\":\"x\"}");
      assertThat(context.statusCode()).isEqualTo(200);

      serve.process().destroyForcibly(); // SIGKILL: no shutdown hook, no flush
      assertThat(serve.process().waitFor(30, TimeUnit.SECONDS)).isTrue();

      Serve again = start(data, model.url());
      try {
        JsonNode audit = Json.MAPPER.readTree(send(again, "GET", "/v1/audit", admin, null).body());
        assertThat(audit.get("entries").toString()).contains("POST /v1/context").contains("zoe");
      } finally {
        again.process().destroy();
        again.process().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
