package dev.attune.core.effectiveness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.core.effectiveness.ExperimentResults.ArmResult;
import dev.attune.core.effectiveness.ExperimentResults.UserTally;
import dev.attune.core.effectiveness.Stats.Estimate;
import dev.attune.core.effectiveness.Stats.Verdict;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Simulated traffic with a known effect: the results must recover it, and with no effect say "no
 * evidence yet" about as often as a 95% interval promises.
 */
class ExperimentResultsTest {
  static final TenantId T = TenantId.of("acme");
  static final Instant FROM = Instant.parse("2025-03-01T00:00:00Z");
  static final Instant TO = Instant.parse("2025-03-15T00:00:00Z");
  static final Experiment HOLDOUT =
      new Experiment(
          "holdout",
          List.of(
              new Experiment.Arm("generic", 0.5, false, null),
              new Experiment.Arm("personalized", 0.5, true, null)),
          true);

  /**
   * Users of {@code experiment}, each with 1..6 tasks, completing each with the arm's probability.
   */
  static List<UserTally> simulate(
      Experiment experiment, int users, double control, double treated, long seed) {
    Random random = new Random(seed);
    List<UserTally> out = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      UserId user = UserId.of("u" + seed + "-" + i);
      Experiment.Arm arm = experiment.armOf(T, user);
      double p = arm.personalize() ? treated : control;
      int tasks = 1 + random.nextInt(6);
      int completed = 0;
      for (int k = 0; k < tasks; k++) {
        completed += random.nextDouble() < p ? 1 : 0;
      }
      out.add(
          new UserTally(
              user,
              arm.name(),
              tasks * 2L,
              0,
              0,
              0,
              0,
              completed,
              tasks - completed,
              0,
              1 + random.nextInt(2),
              1,
              tasks * 4L));
    }
    return out;
  }

  static ArmResult arm(ExperimentResults r, String name) {
    return r.arms().stream().filter(a -> a.arm().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aKnownLiftIsRecoveredWithinItsInterval() {
    ExperimentResults r =
        ExperimentResults.compute(HOLDOUT, FROM, TO, simulate(HOLDOUT, 3_000, 0.50, 0.60, 7));

    ArmResult treated = arm(r, "personalized");
    Estimate lift = treated.lift().get(Metric.TASK_COMPLETION);
    assertThat(lift.low()).isLessThan(0.10);
    assertThat(lift.high()).isGreaterThan(0.10);
    assertThat(lift.value()).isBetween(0.07, 0.13);
    assertThat(treated.verdict()).isEqualTo(Verdict.HELPS);
    assertThat(r.control()).isEqualTo("generic");
    assertThat(arm(r, "generic").lift().get(Metric.TASK_COMPLETION).known()).isFalse();
    assertThat(treated.users() + arm(r, "generic").users()).isEqualTo(3_000);
  }

  @Test
  void aHarmfulArmIsSaidToHurt() {
    ExperimentResults r =
        ExperimentResults.compute(HOLDOUT, FROM, TO, simulate(HOLDOUT, 3_000, 0.60, 0.48, 11));

    assertThat(arm(r, "personalized").verdict()).isEqualTo(Verdict.HURTS);
  }

  @Test
  void withNoEffectTheVerdictIsNoEvidenceYetInAbout95Of100Runs() {
    int noEvidence = 0;
    int covered = 0;
    for (long seed = 1; seed <= 100; seed++) {
      ExperimentResults r =
          ExperimentResults.compute(HOLDOUT, FROM, TO, simulate(HOLDOUT, 400, 0.5, 0.5, seed));
      ArmResult treated = arm(r, "personalized");
      if (treated.verdict() == Verdict.NO_EVIDENCE_YET) {
        noEvidence++;
      }
      Estimate lift = treated.lift().get(Metric.TASK_COMPLETION);
      if (lift.low() <= 0 && lift.high() >= 0) {
        covered++;
      }
    }
    assertThat(noEvidence).isBetween(90, 99);
    assertThat(covered).isEqualTo(noEvidence);
  }

  @Test
  void armsAreStableAndFollowTheirShares() {
    Experiment tenPercent =
        new Experiment(
            "ten",
            List.of(
                new Experiment.Arm("holdout", 0.1, false, null),
                new Experiment.Arm("on", 0.9, true, null)),
            true);
    int held = 0;
    for (int i = 0; i < 20_000; i++) {
      UserId u = UserId.of("user-" + i);
      Experiment.Arm arm = tenPercent.armOf(T, u);
      assertThat(tenPercent.armOf(T, u)).isEqualTo(arm);
      held += arm.personalize() ? 0 : 1;
    }
    assertThat(held / 20_000.0).isBetween(0.09, 0.11);
    // Another experiment splits the same users independently.
    Experiment other = new Experiment("other", tenPercent.arms(), true);
    long same = 0;
    for (int i = 0; i < 2_000; i++) {
      UserId u = UserId.of("user-" + i);
      same +=
          tenPercent.armOf(T, u).equals(other.armOf(T, u)) && !other.armOf(T, u).personalize()
              ? 1
              : 0;
    }
    assertThat(same).isLessThan(60);
  }

  @Test
  void badArmsAreRefusedNamingTheField() {
    assertThatThrownBy(
            () ->
                new Experiment(
                    "x",
                    List.of(
                        new Experiment.Arm("a", 0.5, true, null),
                        new Experiment.Arm("b", 0.4, false, null)),
                    true))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("shares must sum to 1")
        .extracting(e -> ((InvalidRequestException) e).field())
        .isEqualTo("arms");
    assertThatThrownBy(
            () ->
                new Experiment(
                    "x",
                    List.of(
                        new Experiment.Arm("a", 0.5, true, null),
                        new Experiment.Arm("a", 0.5, false, null)),
                    true))
        .extracting(e -> ((InvalidRequestException) e).field())
        .isEqualTo("arms[1].name");
    assertThatThrownBy(
            () ->
                new Experiment(
                    "x",
                    List.of(
                        new Experiment.Arm("a", 1.5, true, null),
                        new Experiment.Arm("b", -0.5, false, null)),
                    true))
        .extracting(e -> ((InvalidRequestException) e).field())
        .isEqualTo("arms[0].share");
  }
}
