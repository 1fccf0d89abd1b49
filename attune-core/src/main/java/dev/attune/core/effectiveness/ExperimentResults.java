package dev.attune.core.effectiveness;

import dev.attune.core.effectiveness.Stats.Estimate;
import dev.attune.core.effectiveness.Stats.Verdict;
import dev.attune.core.model.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An experiment's outcome per arm over a period: each metric with its 95% interval, the lift
 * against the arm without personalization with its interval, and a verdict on the experiment's
 * primary metric. The user is the unit throughout: arms are assigned per user, so every interval
 * counts users, not events.
 *
 * @param control the arm the others are compared with (the first without personalization); null
 *     when every arm personalizes, and then there is no lift
 */
public record ExperimentResults(
    String experiment,
    Instant from,
    Instant to,
    Metric primary,
    @Nullable String control,
    List<ArmResult> arms) {
  public ExperimentResults {
    arms = List.copyOf(arms);
  }

  /**
   * One user's outcomes in the period, as the store counts them.
   *
   * @param arm the arm the user's contexts were served in
   * @param activeDays days (UTC) the user was observed or served
   */
  public record UserTally(
      UserId user,
      String arm,
      long contexts,
      long thumbsUp,
      long thumbsDown,
      long ratings,
      double ratingSum,
      long tasksCompleted,
      long tasksAbandoned,
      long corrections,
      long activeDays,
      long sessions,
      long messages) {}

  /**
   * One arm's figures.
   *
   * @param metrics each metric's estimate (unknown where the arm has no data for it)
   * @param lift each metric's difference from the control arm (unknown for the control)
   * @param verdicts what each lift says
   * @param verdict what the primary metric's lift says
   */
  public record ArmResult(
      String arm,
      double share,
      boolean personalize,
      long users,
      long contexts,
      Map<Metric, Estimate> metrics,
      Map<Metric, Estimate> lift,
      Map<Metric, Verdict> verdicts,
      Verdict verdict) {}

  /** Computes the results from the users' tallies (users of arms no longer in it are left out). */
  public static ExperimentResults compute(
      Experiment experiment, Instant from, Instant to, List<UserTally> tallies) {
    Experiment.Arm control = experiment.control();
    Map<Metric, Estimate> controlMetrics =
        control == null ? null : metrics(of(tallies, control.name()));
    List<ArmResult> arms = new ArrayList<>();
    for (Experiment.Arm arm : experiment.arms()) {
      List<UserTally> users = of(tallies, arm.name());
      Map<Metric, Estimate> metrics = metrics(users);
      Map<Metric, Estimate> lift = new EnumMap<>(Metric.class);
      Map<Metric, Verdict> verdicts = new EnumMap<>(Metric.class);
      for (Metric m : Metric.values()) {
        Estimate d =
            controlMetrics == null || arm == control
                ? Estimate.none()
                : difference(m, metrics.get(m), controlMetrics.get(m));
        lift.put(m, d);
        verdicts.put(m, Stats.verdict(d, m.higherIsBetter()));
      }
      arms.add(
          new ArmResult(
              arm.name(),
              arm.share(),
              arm.personalize(),
              users.size(),
              users.stream().mapToLong(UserTally::contexts).sum(),
              metrics,
              lift,
              verdicts,
              verdicts.get(experiment.primary())));
    }
    return new ExperimentResults(
        experiment.name(),
        from,
        to,
        experiment.primary(),
        control == null ? null : control.name(),
        arms);
  }

  private static List<UserTally> of(List<UserTally> tallies, String arm) {
    return tallies.stream().filter(t -> t.arm().equals(arm)).toList();
  }

  private static Map<Metric, Estimate> metrics(List<UserTally> users) {
    int n = users.size();
    double[] up = new double[n];
    double[] thumbs = new double[n];
    double[] ratingSum = new double[n];
    double[] ratings = new double[n];
    double[] completed = new double[n];
    double[] tasks = new double[n];
    double[] corrections = new double[n];
    double[] contexts = new double[n];
    double[] messages = new double[n];
    double[] sessions = new double[n];
    long returned = 0;
    for (int i = 0; i < n; i++) {
      UserTally t = users.get(i);
      up[i] = t.thumbsUp();
      thumbs[i] = t.thumbsUp() + t.thumbsDown();
      ratingSum[i] = t.ratingSum();
      ratings[i] = t.ratings();
      completed[i] = t.tasksCompleted();
      tasks[i] = t.tasksCompleted() + t.tasksAbandoned();
      corrections[i] = t.corrections();
      contexts[i] = t.contexts();
      messages[i] = t.messages();
      sessions[i] = t.sessions();
      if (t.activeDays() >= 2) {
        returned++;
      }
    }
    Map<Metric, Estimate> out = new EnumMap<>(Metric.class);
    out.put(Metric.THUMBS_UP, Stats.ratio(up, thumbs));
    out.put(Metric.RATING, Stats.ratio(ratingSum, ratings));
    out.put(Metric.TASK_COMPLETION, Stats.ratio(completed, tasks));
    out.put(Metric.CORRECTIONS, Stats.scaled(Stats.ratio(corrections, contexts), 100));
    out.put(Metric.SESSION_LENGTH, Stats.ratio(messages, sessions));
    out.put(Metric.RETURN_RATE, Stats.rate(returned, n));
    return out;
  }

  private static Estimate difference(Metric m, Estimate a, Estimate b) {
    return m == Metric.RETURN_RATE ? Stats.rateDifference(a, b) : Stats.meanDifference(a, b);
  }
}
