package dev.attune.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The bodies of the effectiveness API: feedback, experiments, results, summaries, records. */
public final class EffectBodies {
  private EffectBodies() {}

  /**
   * {@code POST /v1/feedback}.
   *
   * @param signal {@code thumbs_up}, {@code thumbs_down}, {@code rating}, {@code task_completed} or
   *     {@code task_abandoned}
   * @param value the rating, 1..5, for {@code rating} only
   * @param comment at most 2,000 characters; redacted before it is stored
   */
  public record FeedbackIn(
      @Nullable String userId,
      @Nullable String contextId,
      @Nullable String signal,
      @Nullable Double value,
      @Nullable String comment) {}

  /** Stored feedback. */
  public record FeedbackOut(
      String id,
      String userId,
      @Nullable String contextId,
      String signal,
      @Nullable Double value,
      @Nullable String comment,
      Instant at) {}

  /** A correction of a memory: {@code contradicted}, {@code edited} or {@code deleted}. */
  public record CorrectionBody(
      String id,
      String memoryId,
      @Nullable String contextId,
      String kind,
      boolean extracted,
      Instant at) {}

  /** An experiment arm. */
  public record Arm(
      @Nullable String name,
      @Nullable Double share,
      @Nullable Boolean personalize,
      @Nullable Integer maxTokens) {}

  /**
   * {@code PUT /v1/experiments/{name}}, and what GET returns.
   *
   * @param primaryMetric the metric whose lift gives the verdict: {@code task_completion}
   *     (default), {@code thumbs_up}, {@code rating}, {@code corrections}, {@code session_length}
   *     or {@code return_rate}
   */
  public record Experiment(
      @Nullable String name,
      @Nullable List<Arm> arms,
      @Nullable Boolean active,
      @Nullable String primaryMetric) {}

  /** A list of experiments. */
  public record Experiments(List<Experiment> experiments) {}

  /** An estimate with its 95% interval; nulls where nothing is known yet. */
  public record Estimate(
      @Nullable Double value, @Nullable Double low, @Nullable Double high, long n) {}

  /**
   * One arm's results.
   *
   * @param metrics each metric's estimate, by metric name
   * @param lift each metric's difference from the control arm
   * @param verdicts {@code helps}, {@code no evidence yet} or {@code hurts}, by metric
   * @param verdict the primary metric's verdict
   */
  public record ArmResult(
      String arm,
      double share,
      boolean personalize,
      long users,
      long contexts,
      Map<String, Estimate> metrics,
      Map<String, Estimate> lift,
      Map<String, String> verdicts,
      String verdict) {}

  /** {@code GET /v1/experiments/{name}/results}. */
  public record Results(
      String experiment,
      Instant from,
      Instant to,
      String primaryMetric,
      @Nullable String control,
      List<ArmResult> arms) {}

  /** One period of the effectiveness summary; nulls where nothing was counted. */
  public record Period(
      Instant start,
      long contexts,
      @Nullable Double latencyP50Ms,
      @Nullable Double latencyP95Ms,
      @Nullable Double latencyP99Ms,
      @Nullable Double workingSetHitRate,
      @Nullable Double degradedRate,
      @Nullable Double emptyRate,
      @Nullable Double meanTokens,
      long utilizedContexts,
      @Nullable Double itemsUsedShare,
      @Nullable Double tokensUsedShare,
      long corrections,
      @Nullable Double correctionsPer100Contexts,
      @Nullable Double extractedCorrectedShare,
      Map<String, Long> feedback,
      @Nullable Double meanRating,
      Map<String, Long> memories,
      long messagesObserved,
      Map<String, @Nullable Double> storage,
      long extractionBacklog) {}

  /** Chat-model calls in the period. */
  public record ModelUsage(long calls, long failures, long inputTokens, long outputTokens) {}

  /** {@code GET /v1/effectiveness}: the figures of {@code tenant} (the key's). */
  public record Summary(
      String tenant,
      Instant from,
      Instant to,
      String granularity,
      Period total,
      List<Period> periods,
      ModelUsage modelCalls,
      long droppedRecords,
      double latencyTargetMs) {}

  /** An injected item of a context record. */
  public record Injected(
      String id, String block, String kind, int tokens, @Nullable Boolean used) {}

  /** A context served: ids and counts, never text. */
  public record ContextRecordBody(
      String contextId,
      String userId,
      Instant at,
      @Nullable String experiment,
      @Nullable String arm,
      int budget,
      int tokens,
      boolean degraded,
      double latencyMs,
      @Nullable String sessionId,
      List<Injected> items,
      @Nullable Instant utilizedAt,
      @Nullable String replyMessageId) {}

  /** A page of context records. */
  public record ContextRecords(List<ContextRecordBody> contexts) {}

  /**
   * One user in the tenant's list.
   *
   * @param lastActive the last day (UTC, yyyy-mm-dd) a message of theirs was observed; null if
   *     never
   * @param since when they were first stored
   */
  public record UserBody(String userId, @Nullable String lastActive, Instant since) {}

  /** {@code GET /v1/users}: a page, most recently active first. */
  public record UserPage(List<UserBody> users, int offset, int limit) {}
}
