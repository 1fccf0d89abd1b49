package dev.attune.api;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /v1/context}.
 *
 * @param userId required
 * @param orgId the user's org; default: the org they belong to
 * @param query what the application is about to ask; omit for query-free context
 * @param maxTokens budget, 1..1,000,000; default 1,000
 * @param sessionId the active session
 * @param conversation the messages the application will send with the context
 * @param modelContextWindow the model's window in tokens; the budget shrinks to leave the
 *     conversation and an answer room
 * @param categories only memories of these categories
 * @param from only items at or after this time (ISO-8601)
 * @param to only items at or before this time
 * @param limit retrieved items considered, 1..500; default 50
 * @param timeoutMs how long retrieval may take before a degraded pack is returned; default 100
 */
public record ContextQuery(
    @Nullable String userId,
    @Nullable String orgId,
    @Nullable String query,
    @Nullable Integer maxTokens,
    @Nullable String sessionId,
    @Nullable List<MessageBody> conversation,
    @Nullable Integer modelContextWindow,
    @Nullable List<String> categories,
    @Nullable String from,
    @Nullable String to,
    @Nullable Integer limit,
    @Nullable Integer timeoutMs) {
  /** A query for {@code userId} with everything else at its default. */
  public static ContextQuery forUser(
      String userId, @Nullable String query, @Nullable Integer maxTokens) {
    return new ContextQuery(
        userId, null, query, maxTokens, null, null, null, null, null, null, null, null);
  }
}
