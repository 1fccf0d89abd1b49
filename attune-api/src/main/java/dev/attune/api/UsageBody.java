package dev.attune.api;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /v1/usage}: the tenant's chat-model calls per day (UTC), operation and model, their
 * totals, and the messages waiting for extraction.
 *
 * @param from first day, {@code yyyy-mm-dd}
 * @param to last day, inclusive
 * @param model the model configured now ({@code openai:gpt-4o-mini}), null when none is
 */
public record UsageBody(
    String from,
    String to,
    @Nullable String model,
    Totals totals,
    List<Day> days,
    Backlog extractionBacklog) {

  /** Sums over the days. */
  public record Totals(
      long calls, long failures, long inputTokens, long outputTokens, long latencyMs) {}

  /** One day, operation ({@code extract}, {@code judge}, {@code summarize}) and model. */
  public record Day(
      String day,
      String operation,
      String model,
      long calls,
      long failures,
      long inputTokens,
      long outputTokens,
      long latencyMs) {}

  /**
   * Messages stored but not yet extracted (a chat model extracts in batches), and how many of them
   * failed at least once and wait for a retry.
   */
  public record Backlog(long awaiting, long failedAtLeastOnce) {}
}
