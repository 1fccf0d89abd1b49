package dev.attune.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.core.Attune;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.Memory;
import dev.attune.core.model.Message;
import dev.attune.core.model.Observation;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.Extractor;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.testing.HashingEmbedder;
import dev.attune.core.testing.InMemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObservationWorkerTest {
  static final TenantId T = TenantId.of("app");
  static final UserId ANN = UserId.of("ann");
  static final Duration WAIT = Duration.ofSeconds(10);

  static Message user(String id, String text) {
    return new Message(Role.USER, text, id, null, null);
  }

  @Test
  void submittedMessagesAreObservedInTheBackgroundAndTheOutcomeIsKept() {
    InMemoryStore store = new InMemoryStore();
    try (Attune attune = Attune.builder().store(store).embedder(new HashingEmbedder()).build()) {
      String id =
          attune.submit(
              ObserveRequest.builder(T, ANN)
                  .sessionId("s1")
                  .messages(List.of(user("m1", "I live in Oslo."), user("m2", "I love skiing.")))
                  .actor("api:k1")
                  .build());
      assertThat(id).startsWith("obs_");

      Observation done = attune.awaitObservation(T, id, WAIT).orElseThrow();
      assertThat(done.state()).isEqualTo(Observation.State.DONE);
      assertThat(done.outcome().stored()).isEqualTo(2);
      assertThat(done.outcome().added()).hasSize(2);
      assertThat(done.messages()).isEmpty();
      assertThat(attune.memories(T, ANN, MemoryQuery.active()))
          .extracting(Memory::text)
          .contains("User lives in Oslo.");
      assertThat(attune.observation(TenantId.of("someone-else"), id)).isEmpty();
    }
  }

  @Test
  void aUsersObservationsAreProcessedInTheOrderAccepted() {
    try (Attune attune =
        Attune.builder().store(new InMemoryStore()).embedder(new HashingEmbedder()).build()) {
      attune.submit(
          ObserveRequest.builder(T, ANN)
              .sessionId("s1")
              .messages(List.of(user("m1", "I live in Paris.")))
              .actor("k")
              .build());
      String second =
          attune.submit(
              ObserveRequest.builder(T, ANN)
                  .sessionId("s1")
                  .messages(List.of(user("m2", "I moved to Rome.")))
                  .actor("k")
                  .build());
      attune.awaitObservation(T, second, WAIT);
      assertThat(attune.memories(T, ANN, MemoryQuery.active()))
          .extracting(Memory::text)
          .containsExactly("User moved to Rome.");
    }
  }

  @Test
  void aProcessRestartedWithItsNodeIdResumesWhatItHadClaimedAtOnce() {
    InMemoryStore store = new InMemoryStore();
    Instant now = Instant.now();
    // A process named n1 claimed an observation and died before finishing it.
    store.enqueue(
        T,
        Observation.pending(
            "obs_crashed", ANN, null, "s1", List.of(user("m1", "I live in Oslo.")), "k", now));
    assertThat(store.claim("n1", now, ObservationWorker.LEASE, 10)).hasSize(1);

    // Restarted under another name it would wait for the lease (20 s); under its own, not at all.
    try (Attune other =
        Attune.builder().store(store).embedder(new HashingEmbedder()).nodeId("n2").build()) {
      assertThat(
              other.awaitObservation(T, "obs_crashed", Duration.ofSeconds(2)).orElseThrow().state())
          .isEqualTo(Observation.State.RUNNING);
    }
    try (Attune restarted =
        Attune.builder().store(store).embedder(new HashingEmbedder()).nodeId("n1").build()) {
      Observation done =
          restarted.awaitObservation(T, "obs_crashed", Duration.ofSeconds(5)).orElseThrow();
      assertThat(done.state()).isEqualTo(Observation.State.DONE);
      assertThat(restarted.memories(T, ANN, MemoryQuery.active()))
          .extracting(Memory::text)
          .contains("User lives in Oslo.");
    }
  }

  @Test
  void invalidMessagesAreRefusedBeforeAnythingIsAccepted() {
    InMemoryStore store = new InMemoryStore();
    try (Attune attune = Attune.builder().store(store).embedder(new HashingEmbedder()).build()) {
      assertThatThrownBy(
              () ->
                  attune.submit(
                      ObserveRequest.builder(T, ANN).messages(List.of()).actor("k").build()))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessage("messages must not be empty");
      assertThat(store.dump()).doesNotContain("ann");
    }
  }

  @Test
  void anObservationThatKeepsFailingIsMarkedFailedWithTheReason() {
    Extractor broken =
        new Extractor() {
          @Override
          public String id() {
            return "broken";
          }

          @Override
          public List<dev.attune.core.port.Candidate> extract(
              dev.attune.core.port.ExtractionRequest r) {
            throw new IllegalStateException("the extraction model is down");
          }
        };
    try (Attune attune =
        Attune.builder()
            .store(new InMemoryStore())
            .embedder(new HashingEmbedder())
            .extractor(broken)
            .build()) {
      String id =
          attune.submit(
              ObserveRequest.builder(T, ANN)
                  .messages(List.of(user("m1", "I live in Oslo.")))
                  .actor("k")
                  .build());
      Observation failed = attune.awaitObservation(T, id, WAIT).orElseThrow();
      assertThat(failed.state()).isEqualTo(Observation.State.FAILED);
      assertThat(failed.error()).isEqualTo("the extraction model is down");
      assertThat(failed.attempts()).isEqualTo(3);
    }
  }

  @Test
  void observationsAcceptedBeforeACrashAreProcessedAfterTheRestart() {
    InMemoryStore store = new InMemoryStore();
    // Accepted by a process that died before processing it.
    store.enqueue(
        T,
        Observation.pending(
            "obs_left",
            ANN,
            null,
            null,
            List.of(
                new Message(
                    Role.USER,
                    "I live in Bergen.",
                    "m1",
                    Instant.parse("2025-01-01T00:00:00Z"),
                    null)),
            "k",
            Instant.parse("2025-01-01T00:00:00Z")));
    try (Attune attune = Attune.builder().store(store).embedder(new HashingEmbedder()).build()) {
      Observation done = attune.awaitObservation(T, "obs_left", WAIT).orElseThrow();
      assertThat(done.state()).isEqualTo(Observation.State.DONE);
      assertThat(attune.memories(T, ANN, MemoryQuery.active()))
          .extracting(Memory::text)
          .containsExactly("User lives in Bergen.");
    }
  }
}
