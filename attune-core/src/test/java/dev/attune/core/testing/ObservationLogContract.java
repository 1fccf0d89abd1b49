package dev.attune.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.core.model.Episode;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.Message;
import dev.attune.core.model.Observation;
import dev.attune.core.model.ObservationWithdrawnException;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.EpisodeQuery;
import dev.attune.core.port.MemoryStore;
import dev.attune.core.port.ObservationLog;
import dev.attune.core.port.ObservationLog.Claimed;
import dev.attune.core.port.UserWrite;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract of {@link ObservationLog}: a durable, per-user ordered, leased work queue. */
public abstract class ObservationLogContract<S extends ObservationLog & MemoryStore> {
  static final TenantId T1 = TenantId.of("t-one");
  static final TenantId T2 = TenantId.of("t-two");
  static final UserId ALICE = UserId.of("alice");
  static final UserId BOB = UserId.of("bob");
  static final Instant T0 = Instant.parse("2025-03-01T00:00:00Z");
  static final Duration LEASE = Duration.ofMinutes(5);

  protected S store;

  protected abstract S newStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = newStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

  static Observation pending(String id, UserId user, int second) {
    return Observation.pending(
        id,
        user,
        OrgId.of("acme"),
        "s1",
        List.of(
            new Message(Role.USER, "hello from " + id, id + "-m1", T0.plusSeconds(second), "Ann")),
        "api:key1",
        T0.plusSeconds(second));
  }

  static List<String> ids(List<Claimed> claimed) {
    return claimed.stream().map(c -> c.observation().id()).toList();
  }

  @Test
  void theBacklogCountsWhatIsAcceptedAndNotFinishedInEveryTenant() {
    assertThat(store.backlog()).isEqualTo(ObservationLog.Backlog.EMPTY);
    store.enqueue(T1, pending("a1", ALICE, 3));
    store.enqueue(T2, pending("b1", BOB, 1));
    store.enqueue(T1, pending("a2", ALICE, 5));
    assertThat(store.backlog()).isEqualTo(new ObservationLog.Backlog(3, T0.plusSeconds(1)));
    assertThat(store.backlog().lagSeconds(T0.plusSeconds(11))).isEqualTo(10.0);
    // Running still waits to be learned; finished does not.
    List<Claimed> claimed = store.claim("w1", T0, LEASE, 10);
    assertThat(store.backlog().observations()).isEqualTo(3);
    for (Claimed c : claimed) {
      Observation o = c.observation();
      store.finish(
          c.tenant(),
          "w1",
          o.done(
              T0.plusSeconds(20),
              new Observation.Outcome(1, 0, List.of(), List.of(), List.of(), 0)));
    }
    assertThat(store.backlog()).isEqualTo(new ObservationLog.Backlog(1, T0.plusSeconds(5)));
    assertThat(ObservationLog.Backlog.EMPTY.lagSeconds(T0)).isZero();
  }

  @Test
  void anAcceptedObservationRoundTrips() {
    Observation o = pending("obs-1", ALICE, 0);
    store.enqueue(T1, o);
    assertThat(store.findObservation(T1, "obs-1")).contains(o);
    assertThat(store.findObservation(T2, "obs-1")).isEmpty();
  }

  @Test
  void claimsTakeEachUsersOldestAndOneAtATimePerUser() {
    store.enqueue(T1, pending("a1", ALICE, 0));
    store.enqueue(T1, pending("a2", ALICE, 1));
    store.enqueue(T1, pending("b1", BOB, 2));
    store.enqueue(T2, pending("x1", ALICE, 3));

    List<Claimed> first = store.claim("w1", T0, LEASE, 10);
    assertThat(ids(first)).containsExactly("a1", "b1", "x1");
    assertThat(first.get(0).tenant()).isEqualTo(T1);
    assertThat(first.get(2).tenant()).isEqualTo(T2);
    assertThat(first.get(0).observation().state()).isEqualTo(Observation.State.RUNNING);
    assertThat(first.get(0).observation().attempts()).isEqualTo(1);
    // Alice's second waits while her first runs.
    assertThat(store.claim("w2", T0.plusSeconds(1), LEASE, 10)).isEmpty();

    Observation done =
        pending("a1", ALICE, 1)
            .done(
                T0.plusSeconds(5),
                new Observation.Outcome(1, 0, List.of(MemoryId.of("mem-1")), List.of(), List.of()));
    assertThat(store.finish(T1, "w1", done)).isTrue();
    Observation stored = store.findObservation(T1, "a1").orElseThrow();
    assertThat(stored.state()).isEqualTo(Observation.State.DONE);
    assertThat(stored.messages()).isEmpty();
    assertThat(stored.outcome().added()).containsExactly(MemoryId.of("mem-1"));
    assertThat(stored.finishedAt()).isEqualTo(T0.plusSeconds(5));

    assertThat(ids(store.claim("w2", T0.plusSeconds(6), LEASE, 10))).containsExactly("a2");
  }

  @Test
  void anExpiredLeaseIsClaimedAgainAndTheOldWorkerCannotFinish() {
    store.enqueue(T1, pending("a1", ALICE, 0));
    store.claim("w1", T0, LEASE, 10);
    assertThat(store.claim("w2", T0.plus(LEASE).minusSeconds(1), LEASE, 10)).isEmpty();

    List<Claimed> again = store.claim("w2", T0.plus(LEASE).plusSeconds(1), LEASE, 10);
    assertThat(ids(again)).containsExactly("a1");
    assertThat(again.get(0).observation().attempts()).isEqualTo(2);
    assertThat(again.get(0).observation().messages()).hasSize(1);

    Observation failed = pending("a1", ALICE, 1).failed(T0, "boom");
    assertThat(store.finish(T1, "w1", failed)).isFalse();
    assertThat(store.finish(T1, "w2", failed)).isTrue();
    assertThat(store.findObservation(T1, "a1").orElseThrow().error()).isEqualTo("boom");
  }

  @Test
  void aWorkerRestartedWithItsIdTakesBackItsClaimsAtOnce() {
    store.enqueue(T1, pending("a1", ALICE, 0));
    store.enqueue(T1, pending("b1", BOB, 1));
    assertThat(ids(store.claim("node-1", T0, LEASE, 10))).containsExactly("a1", "b1");
    // The process dies; another node must wait for the lease...
    assertThat(store.claim("node-2", T0.plusSeconds(1), LEASE, 10)).isEmpty();
    // ...but the same node, restarted, takes its claims back at once.
    List<Claimed> back = store.claim("node-1", T0.plusSeconds(2), LEASE, 10);
    assertThat(ids(back)).containsExactly("a1", "b1");
    assertThat(back.get(0).observation().attempts()).isEqualTo(2);
  }

  @Test
  void aRenewedLeaseKeepsTheClaimAndAnUnrenewedOneRunsOut() {
    store.enqueue(T1, pending("a1", ALICE, 0));
    store.enqueue(T1, pending("b1", BOB, 1));
    store.claim("w1", T0, LEASE, 1); // a1
    store.claim("w2", T0, LEASE, 1); // b1
    // w1 lives and renews; w2 died.
    store.renew("w1", T0.plus(LEASE).plus(LEASE));
    List<Claimed> taken = store.claim("w3", T0.plus(LEASE).plusSeconds(1), LEASE, 10);
    assertThat(ids(taken)).containsExactly("b1");
    assertThat(store.finish(T1, "w1", pending("a1", ALICE, 1).failed(T0, "x"))).isTrue();
  }

  @Test
  void aReleasedObservationIsPendingAgain() {
    store.enqueue(T1, pending("a1", ALICE, 0));
    store.claim("w1", T0, LEASE, 10);
    store.release(T1, "w1", "a1");
    assertThat(store.findObservation(T1, "a1").orElseThrow().state())
        .isEqualTo(Observation.State.PENDING);
    assertThat(ids(store.claim("w2", T0, LEASE, 10))).containsExactly("a1");
  }

  @Test
  void forgettingAUserDropsTheirObservations() {
    store.enqueue(T1, pending("a1", ALICE, 0));
    store.enqueue(T1, pending("b1", BOB, 1));
    store.forget(T1, ALICE);
    assertThat(store.findObservation(T1, "a1")).isEmpty();
    assertThat(store.findObservation(T1, "b1")).isPresent();
  }

  @Test
  void whatAnObservationWouldWriteAfterItsUserWasErasedIsNotWritten() {
    store.enqueue(T1, pending("a1", ALICE, 0));
    store.enqueue(T1, pending("b1", BOB, 1));
    assertThat(ids(store.claim("w1", T0, LEASE, 10))).containsExactly("a1", "b1");
    store.forget(T1, ALICE); // while a1 was being learned

    UserWrite learned =
        new UserWrite(
                T0,
                null,
                List.of(new Episode("a1-m1", ALICE, Role.USER, null, "hello", "s1", T0, null)),
                List.of(),
                List.of())
            .learnedFrom("a1");
    assertThatThrownBy(() -> store.write(T1, ALICE, learned))
        .isInstanceOf(ObservationWithdrawnException.class)
        .hasMessageContaining("a1");
    assertThat(store.findUser(T1, ALICE)).isEmpty();
    assertThat(store.episodes(T1, ALICE, EpisodeQuery.all())).isEmpty();

    // A running observation's write goes through.
    store.write(
        T1,
        BOB,
        new UserWrite(
                T0,
                null,
                List.of(new Episode("b1-m1", BOB, Role.USER, null, "hi", "s1", T0, null)),
                List.of(),
                List.of())
            .learnedFrom("b1"));
    assertThat(store.episodes(T1, BOB, EpisodeQuery.all())).hasSize(1);
  }
}
