package dev.attune.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.api.ContextQuery;
import dev.attune.api.MessageBody;
import dev.attune.api.ObserveBody;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.Observation;
import dev.attune.core.model.TenantId;
import dev.attune.core.port.Embedder;
import dev.attune.core.testing.HashingEmbedder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Learning that cannot keep up: observe keeps accepting (202) while the durable queue is under
 * {@code observe_queue_max}, then answers 503 with Retry-After, naming the bound; context is never
 * refused; {@code /health} tells the backlog and its lag; and once learning resumes, everything
 * that was accepted is learned, in order.
 */
class LearningBacklogIT {

  /** An embedder whose document batches wait until released (queries pass): learning stalls. */
  static final class StalledLearning implements Embedder {
    final CountDownLatch released = new CountDownLatch(1);
    final HashingEmbedder hashing = new HashingEmbedder();

    @Override
    public String modelId() {
      return hashing.modelId();
    }

    @Override
    public int dimensions() {
      return hashing.dimensions();
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
      try {
        released.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return hashing.embedAll(texts);
    }

    @Override
    public float[] embedQuery(String query) {
      return hashing.embedAll(List.of(query)).get(0);
    }
  }

  static ObserveBody observe(int i) {
    return new ObserveBody(
        "ann", null, "s1", List.of(MessageBody.user("I started learning the cello, lesson " + i)));
  }

  @Test
  void aFullQueueRefusesObserveOnlyAndLosesNothingAccepted() throws Exception {
    StalledLearning embedder = new StalledLearning();
    try (TestServer server = new TestServer(Map.of("observe_queue_max", "3"), embedder)) {
      String key = server.key("acme", KeyRole.SERVICE);
      List<String> accepted = new ArrayList<>();
      TestServer.Reply[] refused = new TestServer.Reply[1];
      // The bound is read at most every 250 ms: observe until it answers 503.
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                TestServer.Reply r = server.post("/v1/observe", key, observe(accepted.size()));
                if (r.status() == 202) {
                  accepted.add(r.json().path("observation_id").asText());
                  return false;
                }
                refused[0] = r;
                return true;
              });
      TestServer.Reply r = refused[0];
      assertThat(r.status()).as(r.body()).isEqualTo(503);
      assertThat(r.errorCode()).isEqualTo("learning_backlog_full");
      assertThat(r.json().path("error").path("message").asText()).contains("observe_queue_max 3");
      assertThat(r.headers().firstValue("Retry-After")).isPresent();
      assertThat(accepted.size()).isGreaterThanOrEqualTo(3);

      // Context is served meanwhile, and health tells how far learning is behind.
      TestServer.Reply context =
          server.post(
              "/v1/context",
              key,
              new ContextQuery(
                  "ann", null, "cello", 200, null, null, null, null, null, null, null, null));
      assertThat(context.status()).as(context.body()).isEqualTo(200);
      var health = server.get("/health", null).json().path("learning");
      assertThat(health.path("backlog").asLong()).isGreaterThanOrEqualTo(3);
      assertThat(health.path("lag_seconds").asDouble()).isGreaterThanOrEqualTo(0);

      // Learning resumes: every accepted observation is learned.
      embedder.released.countDown();
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> server.attune.observationBacklog().observations() == 0);
      for (String id : accepted) {
        assertThat(server.attune.observation(TenantId.of("acme"), id))
            .get()
            .extracting(Observation::state)
            .isEqualTo(Observation.State.DONE);
      }
      // Health reads the backlog at most every 250 ms.
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  server.get("/health", null).json().path("learning").path("backlog").asLong()
                      == 0);
      // And observe accepts again.
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> server.post("/v1/observe", key, observe(99)).status() == 202);
    }
  }
}
