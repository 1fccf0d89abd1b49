package dev.attune.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.core.effectiveness.ContextRecord;
import dev.attune.core.effectiveness.Correction;
import dev.attune.core.effectiveness.Experiment;
import dev.attune.core.effectiveness.ExperimentResults.UserTally;
import dev.attune.core.effectiveness.Feedback;
import dev.attune.core.effectiveness.HourlyFigure;
import dev.attune.core.effectiveness.Metric;
import dev.attune.core.model.BlockType;
import dev.attune.core.model.Episode;
import dev.attune.core.model.ItemKind;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.model.UserRecord;
import dev.attune.core.port.EffectivenessStore;
import dev.attune.core.port.Store;
import dev.attune.core.port.UserWrite;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract of {@link EffectivenessStore}: every row scoped by tenant and user. */
public abstract class EffectivenessStoreContract<S extends Store> {
  static final TenantId T1 = TenantId.of("t-one");
  static final TenantId T2 = TenantId.of("t-two");
  static final UserId ALICE = UserId.of("alice");
  static final UserId BOB = UserId.of("bob");
  static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

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

  static ContextRecord record(
      String id, TenantId tenant, UserId user, Instant at, String experiment, String arm) {
    return new ContextRecord(
        id,
        tenant,
        user,
        at,
        experiment,
        arm,
        500,
        120,
        false,
        2_500,
        "s1",
        List.of(
            new ContextRecord.Injected("profile.name", BlockType.PROFILE, ItemKind.PROFILE, 6),
            new ContextRecord.Injected("mem_a", BlockType.PREFERENCES, ItemKind.FACT, 12)),
        null);
  }

  @Test
  void contextRecordsAreFoundOnlyByTheirTenantAndUser() {
    store.putContextRecords(
        List.of(
            record("ctx_1", T1, ALICE, T0, null, null),
            record("ctx_2", T1, ALICE, T0.plusSeconds(5), "exp", "control"),
            record("ctx_1", T2, ALICE, T0, null, null)));

    ContextRecord found = store.findContextRecord(T1, ALICE, "ctx_2").orElseThrow();
    assertThat(found.arm()).isEqualTo("control");
    assertThat(found.items())
        .containsExactly(
            new ContextRecord.Injected("profile.name", BlockType.PROFILE, ItemKind.PROFILE, 6),
            new ContextRecord.Injected("mem_a", BlockType.PREFERENCES, ItemKind.FACT, 12));
    assertThat(found.latencyMicros()).isEqualTo(2_500);
    assertThat(store.findContextRecord(T1, BOB, "ctx_2")).isEmpty();
    assertThat(store.findContextRecord(T2, ALICE, "ctx_2")).isEmpty();
    assertThat(store.contextRecords(T1, ALICE, 10))
        .extracting(ContextRecord::id)
        .containsExactly("ctx_2", "ctx_1");
    assertThat(store.contextRecords(T1, ALICE, 1)).hasSize(1);
    assertThat(store.contextRecords(T2, ALICE, 10)).hasSize(1);
  }

  @Test
  void utilizationIsSetOnTheUsersRecordOnly() {
    store.putContextRecords(List.of(record("ctx_1", T1, ALICE, T0, null, null)));
    var used = new ContextRecord.Utilization(T0.plusSeconds(3), "m9", List.of("mem_a"));

    assertThat(store.putUtilization(T1, BOB, "ctx_1", used)).isFalse();
    assertThat(store.putUtilization(T2, ALICE, "ctx_1", used)).isFalse();
    assertThat(store.putUtilization(T1, ALICE, "ctx_1", used)).isTrue();

    ContextRecord r = store.findContextRecord(T1, ALICE, "ctx_1").orElseThrow();
    assertThat(r.utilization()).isEqualTo(used);
    assertThat(r.usedTokens()).isEqualTo(12);
  }

  @Test
  void oldRecordsAreDeletedInEveryTenant() {
    store.putContextRecords(
        List.of(
            record("ctx_old", T1, ALICE, T0.minus(Duration.ofDays(40)), null, null),
            record("ctx_old", T2, BOB, T0.minus(Duration.ofDays(40)), null, null),
            record("ctx_new", T1, ALICE, T0, null, null)));

    assertThat(store.deleteContextRecordsBefore(T0.minus(Duration.ofDays(30)))).isEqualTo(2);
    assertThat(store.contextRecords(T1, ALICE, 10))
        .extracting(ContextRecord::id)
        .containsExactly("ctx_new");
    assertThat(store.contextRecords(T2, BOB, 10)).isEmpty();
  }

  @Test
  void feedbackAndCorrectionsKeepTheirFieldsAndTheirScope() {
    Feedback f =
        new Feedback("fb_1", ALICE, "ctx_1", Feedback.Signal.RATING, 4.5, "great answer", T0);
    Feedback g = new Feedback("fb_2", ALICE, null, Feedback.Signal.THUMBS_UP, null, null, T0);
    store.putFeedback(T1, f);
    store.putFeedback(T1, g);
    Correction k =
        new Correction(
            "cor_1", ALICE, MemoryId.of("mem_a"), "ctx_1", Correction.Kind.EDITED, true, T0);
    store.putCorrection(T1, k);

    assertThat(store.feedback(T1, ALICE)).containsExactlyInAnyOrder(f, g);
    assertThat(store.feedback(T1, BOB)).isEmpty();
    assertThat(store.feedback(T2, ALICE)).isEmpty();
    assertThat(store.corrections(T1, ALICE)).containsExactly(k);
    assertThat(store.corrections(T2, ALICE)).isEmpty();
  }

  @Test
  void experimentsAreStoredReplacedAndDeletedPerTenant() {
    Experiment e =
        new Experiment(
            "holdout",
            List.of(
                new Experiment.Arm("control", 0.1, false, null),
                new Experiment.Arm("personalized", 0.9, true, 800)),
            true,
            Metric.THUMBS_UP);
    store.putExperiment(T1, e);

    assertThat(store.experiment(T1, "holdout")).contains(e);
    assertThat(store.experiment(T2, "holdout")).isEmpty();
    store.putExperiment(T1, e.withActive(false));
    assertThat(store.experiments(T1)).containsExactly(e.withActive(false));
    assertThat(store.deleteExperiment(T2, "holdout")).isFalse();
    assertThat(store.deleteExperiment(T1, "holdout")).isTrue();
    assertThat(store.experiments(T1)).isEmpty();
  }

  @Test
  void talliesCountEachUsersOutcomesInTheWindowAndTheirMainArm() {
    store.putContextRecords(
        List.of(
            record("c1", T1, ALICE, T0, "exp", "a"),
            record("c2", T1, ALICE, T0.plusSeconds(60), "exp", "a"),
            record("c3", T1, ALICE, T0.plusSeconds(120), "exp", "b"),
            record("c4", T1, BOB, T0, "exp", "b"),
            record("c5", T1, BOB, T0.minus(Duration.ofDays(3)), "exp", "b"),
            record("c6", T1, BOB, T0, "other", "b"),
            record("c7", T2, ALICE, T0, "exp", "a")));
    store.putFeedback(
        T1, new Feedback("f1", ALICE, null, Feedback.Signal.THUMBS_UP, null, null, T0));
    store.putFeedback(
        T1, new Feedback("f2", ALICE, null, Feedback.Signal.THUMBS_DOWN, null, null, T0));
    store.putFeedback(T1, new Feedback("f3", ALICE, null, Feedback.Signal.RATING, 4.0, null, T0));
    store.putFeedback(T1, new Feedback("f4", ALICE, null, Feedback.Signal.RATING, 2.0, null, T0));
    store.putFeedback(
        T1, new Feedback("f5", BOB, null, Feedback.Signal.TASK_COMPLETED, null, null, T0));
    store.putFeedback(
        T2, new Feedback("f6", ALICE, null, Feedback.Signal.TASK_ABANDONED, null, null, T0));
    store.putCorrection(
        T1,
        new Correction("k1", BOB, MemoryId.of("mem_x"), null, Correction.Kind.DELETED, true, T0));
    LocalDate day = LocalDate.parse("2025-03-01");
    store.addActivity(T1, ALICE, day, "s1", 4);
    store.addActivity(T1, ALICE, day, "s1", 2);
    store.addActivity(T1, ALICE, day.plusDays(1), "s2", 3);
    store.addActivity(T1, ALICE, day.minusDays(5), "s0", 9);

    Instant from = T0.minus(Duration.ofDays(1));
    Instant to = T0.plus(Duration.ofDays(2));
    List<UserTally> tallies = store.tallies(T1, "exp", from, to);

    assertThat(tallies).hasSize(2);
    UserTally alice =
        tallies.stream().filter(t -> t.user().equals(ALICE)).findFirst().orElseThrow();
    assertThat(alice.arm()).isEqualTo("a");
    assertThat(alice.contexts()).isEqualTo(3);
    assertThat(alice.thumbsUp()).isEqualTo(1);
    assertThat(alice.thumbsDown()).isEqualTo(1);
    assertThat(alice.ratings()).isEqualTo(2);
    assertThat(alice.ratingSum()).isEqualTo(6.0);
    assertThat(alice.tasksAbandoned()).isZero();
    assertThat(alice.activeDays()).isEqualTo(2);
    assertThat(alice.sessions()).isEqualTo(2);
    assertThat(alice.messages()).isEqualTo(9);
    UserTally bob = tallies.stream().filter(t -> t.user().equals(BOB)).findFirst().orElseThrow();
    assertThat(bob.arm()).isEqualTo("b");
    assertThat(bob.contexts()).isEqualTo(1);
    assertThat(bob.tasksCompleted()).isEqualTo(1);
    assertThat(bob.corrections()).isEqualTo(1);
    assertThat(store.tallies(T2, "exp", from, to)).hasSize(1);
  }

  @Test
  void hourlyFiguresAddUpCountersAndKeepTheLastGauge() {
    Instant hour = Instant.parse("2025-03-01T10:00:00Z");
    store.addHourly(T1, hour, Map.of("contexts", 3L), Map.of("users", 10L));
    store.addHourly(T1, hour, Map.of("contexts", 2L), Map.of("users", 12L));
    store.addHourly(T1, hour.plus(Duration.ofHours(1)), Map.of("contexts", 1L), Map.of());
    store.addHourly(T2, hour, Map.of("contexts", 100L), Map.of());

    assertThat(store.hourly(T1, hour, hour.plus(Duration.ofHours(1))))
        .containsExactlyInAnyOrder(
            new HourlyFigure(hour, "contexts", 5), new HourlyFigure(hour, "users", 12));
    assertThat(store.hourly(T1, hour, hour.plus(Duration.ofHours(2)))).hasSize(3);
  }

  @Test
  void usersAreListedMostRecentlyActiveFirstSearchedByIdAndPaged() {
    for (String id : List.of("ann", "bob", "carla", "dan_1", "danx1")) {
      UserId u = UserId.of(id);
      store.write(
          T1,
          u,
          new UserWrite(T0, UserRecord.create(u, null, T0), List.of(), List.of(), List.of()));
    }
    UserId other = UserId.of("zed");
    store.write(
        T2,
        other,
        new UserWrite(T0, UserRecord.create(other, null, T0), List.of(), List.of(), List.of()));
    LocalDate day = LocalDate.parse("2025-03-01");
    store.addActivity(T1, UserId.of("bob"), day, "s", 1);
    store.addActivity(T1, UserId.of("carla"), day.plusDays(2), "s", 1);
    store.addActivity(T1, UserId.of("carla"), day.minusDays(9), "s", 1);
    store.addActivity(T2, UserId.of("ann"), day.plusDays(9), "s", 1);

    assertThat(store.usersByActivity(T1, "", 0, 10))
        .extracting(u -> u.user().value(), EffectivenessStore.UserActivity::lastActive)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("carla", day.plusDays(2)),
            org.assertj.core.groups.Tuple.tuple("bob", day),
            org.assertj.core.groups.Tuple.tuple("ann", null),
            org.assertj.core.groups.Tuple.tuple("dan_1", null),
            org.assertj.core.groups.Tuple.tuple("danx1", null));
    assertThat(store.usersByActivity(T1, "", 1, 2))
        .extracting(u -> u.user().value())
        .containsExactly("bob", "ann");
    // The search is literal: "_" is not a wildcard.
    assertThat(store.usersByActivity(T1, "n_", 0, 10))
        .extracting(u -> u.user().value())
        .containsExactly("dan_1");
    assertThat(store.usersByActivity(T1, "an", 0, 10))
        .extracting(u -> u.user().value())
        .containsExactly("ann", "dan_1", "danx1");
    assertThat(store.usersByActivity(T1, "", 0, 10).get(0).since()).isEqualTo(T0);
    assertThat(store.usersByActivity(T2, "", 0, 10))
        .extracting(u -> u.user().value())
        .containsExactly("zed");
  }

  @Test
  void storageCountsTheTenantsUsersEpisodesAndBytes() {
    assertThat(store.storage(T1)).isEqualTo(new EffectivenessStore.Storage(0, 0, 0, 0));
    store.write(
        T1,
        ALICE,
        new UserWrite(
            T0,
            UserRecord.create(ALICE, null, T0),
            List.of(new Episode("m1", ALICE, Role.USER, null, "I live in Porto", "s1", T0, null)),
            List.of(),
            List.of()));

    EffectivenessStore.Storage s = store.storage(T1);
    assertThat(s.users()).isEqualTo(1);
    assertThat(s.episodes()).isEqualTo(1);
    assertThat(s.bytes()).isGreaterThanOrEqualTo("I live in Porto".length());
    assertThat(store.storage(T2).users()).isZero();
  }

  @Test
  void forgettingAUserTakesTheirRecordsFeedbackCorrectionsAndActivity() {
    store.putContextRecords(
        List.of(record("c1", T1, ALICE, T0, "exp", "a"), record("c2", T1, BOB, T0, "exp", "a")));
    store.putFeedback(
        T1, new Feedback("f1", ALICE, "c1", Feedback.Signal.THUMBS_UP, null, "ok", T0));
    store.putCorrection(
        T1,
        new Correction("k1", ALICE, MemoryId.of("mem_x"), "c1", Correction.Kind.DELETED, true, T0));
    store.addActivity(T1, ALICE, LocalDate.parse("2025-03-01"), "s1", 3);

    store.forget(T1, ALICE);

    assertThat(store.contextRecords(T1, ALICE, 10)).isEmpty();
    assertThat(store.feedback(T1, ALICE)).isEmpty();
    assertThat(store.corrections(T1, ALICE)).isEmpty();
    assertThat(store.tallies(T1, "exp", T0.minusSeconds(60), T0.plusSeconds(60)))
        .extracting(UserTally::user)
        .containsExactly(BOB);
    assertThat(store.contextRecords(T1, BOB, 10)).hasSize(1);
  }
}
