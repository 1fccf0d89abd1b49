package dev.attune.core.api;

import dev.attune.core.model.Category;
import dev.attune.core.model.Ids;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.Limits;
import dev.attune.core.model.Message;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A request for context. Build with {@link #builder(TenantId, UserId)}; {@code build()} validates
 * and names the offending field.
 *
 * @param tenant whose data
 * @param user for whom
 * @param org the user's org; when null, the org the user belongs to (if any)
 * @param query what the application is about to ask the model; null for query-free context
 *     (profile, preferences, session, top facts)
 * @param maxTokens the budget, 1..{@link Limits#MAX_BUDGET_TOKENS}; default 1,000
 * @param sessionId the active session; when null, the user's latest session if it was active in the
 *     last 30 minutes
 * @param conversation the messages the application will send with the context; they are counted
 *     against {@code modelContextWindow} and not repeated in the session block
 * @param modelContextWindow the model's context window in tokens; when set, the budget shrinks so
 *     that the conversation and an answer still fit
 * @param categories only memories of these categories; empty for all
 * @param from only items placed at or after this: a memory by when it became true (an event by when
 *     it happened), a message by when it was written
 * @param to only items placed at or before this
 * @param limit how many retrieved items (facts and past messages) to consider, 1..500; default 50
 * @param timeout how long retrieval may take before a degraded pack (profile and org only) is
 *     returned, up to {@link Limits#MAX_CONTEXT_TIMEOUT_MS}; null to wait
 */
public record ContextRequest(
    TenantId tenant,
    UserId user,
    @Nullable OrgId org,
    @Nullable String query,
    int maxTokens,
    @Nullable String sessionId,
    List<Message> conversation,
    @Nullable Integer modelContextWindow,
    Set<Category> categories,
    @Nullable Instant from,
    @Nullable Instant to,
    int limit,
    @Nullable Duration timeout) {

  public static final int DEFAULT_MAX_TOKENS = 1_000;
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;
  public static final int MAX_CONTEXT_WINDOW = 10_000_000;

  public ContextRequest {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(user, "user");
    if (query != null) {
      query = query.strip();
      if (query.isEmpty()) {
        query = null;
      } else if (query.length() > Limits.MAX_QUERY_CHARS) {
        throw new InvalidRequestException(
            "query", "query is longer than " + Limits.MAX_QUERY_CHARS + " characters");
      }
    }
    if (maxTokens <= 0 || maxTokens > Limits.MAX_BUDGET_TOKENS) {
      throw new InvalidRequestException(
          "max_tokens",
          "max_tokens must be within 1.." + Limits.MAX_BUDGET_TOKENS + "; got " + maxTokens);
    }
    conversation = List.copyOf(conversation);
    if (conversation.size() > Limits.MAX_MESSAGES_PER_OBSERVE) {
      throw new InvalidRequestException(
          "conversation",
          "conversation has more than " + Limits.MAX_MESSAGES_PER_OBSERVE + " messages");
    }
    if (modelContextWindow != null
        && (modelContextWindow <= 0 || modelContextWindow > MAX_CONTEXT_WINDOW)) {
      throw new InvalidRequestException(
          "model_context_window",
          "model_context_window must be within 1.."
              + MAX_CONTEXT_WINDOW
              + "; got "
              + modelContextWindow);
    }
    categories = Set.copyOf(categories);
    if (from != null && to != null && from.isAfter(to)) {
      throw new InvalidRequestException("from", "from must not be after to");
    }
    if (limit <= 0 || limit > MAX_LIMIT) {
      throw new InvalidRequestException(
          "limit", "limit must be within 1.." + MAX_LIMIT + "; got " + limit);
    }
    if (timeout != null
        && (timeout.isNegative()
            || timeout.isZero()
            || timeout.toMillis() > Limits.MAX_CONTEXT_TIMEOUT_MS)) {
      throw new InvalidRequestException(
          "timeout_ms",
          "timeout_ms must be within 1.."
              + Limits.MAX_CONTEXT_TIMEOUT_MS
              + "; got "
              + timeout.toMillis());
    }
    Ids.checkOptional("session_id", sessionId);
  }

  public static Builder builder(TenantId tenant, UserId user) {
    return new Builder(tenant, user);
  }

  /** Builds a {@link ContextRequest}; all fields but tenant and user are optional. */
  public static final class Builder {
    private final TenantId tenant;
    private final UserId user;
    private @Nullable OrgId org;
    private @Nullable String query;
    private int maxTokens = DEFAULT_MAX_TOKENS;
    private @Nullable String sessionId;
    private List<Message> conversation = List.of();
    private @Nullable Integer modelContextWindow;
    private Set<Category> categories = Set.of();
    private @Nullable Instant from;
    private @Nullable Instant to;
    private int limit = DEFAULT_LIMIT;
    private @Nullable Duration timeout;

    private Builder(TenantId tenant, UserId user) {
      this.tenant = Objects.requireNonNull(tenant, "tenant");
      this.user = Objects.requireNonNull(user, "user");
    }

    public Builder org(@Nullable OrgId org) {
      this.org = org;
      return this;
    }

    public Builder query(@Nullable String query) {
      this.query = query;
      return this;
    }

    public Builder maxTokens(int maxTokens) {
      this.maxTokens = maxTokens;
      return this;
    }

    public Builder sessionId(@Nullable String sessionId) {
      this.sessionId = sessionId;
      return this;
    }

    public Builder conversation(List<Message> conversation) {
      this.conversation = conversation;
      return this;
    }

    public Builder modelContextWindow(@Nullable Integer modelContextWindow) {
      this.modelContextWindow = modelContextWindow;
      return this;
    }

    public Builder categories(Set<Category> categories) {
      this.categories = categories;
      return this;
    }

    public Builder timeRange(@Nullable Instant from, @Nullable Instant to) {
      this.from = from;
      this.to = to;
      return this;
    }

    public Builder limit(int limit) {
      this.limit = limit;
      return this;
    }

    public Builder timeout(@Nullable Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /**
     * @throws InvalidRequestException naming the field when a value is out of range
     */
    public ContextRequest build() {
      return new ContextRequest(
          tenant,
          user,
          org,
          query,
          maxTokens,
          sessionId,
          conversation,
          modelContextWindow,
          categories,
          from,
          to,
          limit,
          timeout);
    }
  }
}
