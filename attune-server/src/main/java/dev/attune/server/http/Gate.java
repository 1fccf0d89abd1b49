package dev.attune.server.http;

import dev.attune.core.model.ApiKey;
import dev.attune.server.ServerMetrics;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.security.RouteRole;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Authentication, authorization and rate limiting, in one place, before every matched route: the
 * key from {@code Authorization: Bearer}, judged by {@link AccessPolicy} for the route's {@link
 * Operation} (and the user in its path), the key's rate, and for a request with a body, that the
 * body is JSON. A refused request never reaches its handler.
 */
final class Gate {
  private final Keys keys;
  private final RateLimiter limiter;
  private final ServerMetrics metrics;

  Gate(Keys keys, RateLimiter limiter, ServerMetrics metrics) {
    this.keys = keys;
    this.limiter = limiter;
    this.metrics = metrics;
  }

  void check(Context ctx) {
    Set<RouteRole> roles = ctx.routeRoles();
    ctx.attribute(Call.ROUTE, ctx.endpoints().matchedHttpEndpoint().path);
    Operation operation = roles.isEmpty() ? Operation.PUBLIC : (Operation) roles.iterator().next();
    // The model proxy takes Attune's key from its own headers and asks the policy itself.
    if (operation == Operation.PUBLIC || operation == Operation.PROXY_CHAT) {
      return;
    }
    ctx.attribute(Call.STARTED, System.nanoTime());
    ctx.attribute(Call.OPERATION, operation);
    ApiKey key =
        verify(
            bearer(ctx.header("Authorization")),
            "missing API key: send Authorization: Bearer <key>");
    ctx.attribute(Call.KEY, key);
    // The user in the path is judged now; a user named in the body, when the handler reads it.
    AccessPolicy.require(key, operation, ctx.pathParamMap().get("user_id"));
    throttle(key);
    HandlerType method = ctx.method();
    if (method == HandlerType.POST || method == HandlerType.PUT || method == HandlerType.PATCH) {
      requireJson(ctx);
    }
  }

  /** The token of an {@code Authorization: Bearer <token>} header, or null. */
  static @Nullable String bearer(@Nullable String header) {
    return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).strip()
        : null;
  }

  /**
   * The usable key a presented secret belongs to; every door (routes, model proxy, MCP) admits keys
   * here.
   *
   * @param missing what a request without a key is told
   */
  ApiKey verify(@Nullable String presented, String missing) {
    return verify(presented, missing, "invalid, expired or revoked API key");
  }

  /**
   * As {@link #verify(String, String)}, telling a request whose key is not usable {@code invalid}
   * (the proxy names which key it means: its clients also hold a provider's).
   */
  ApiKey verify(@Nullable String presented, String missing, String invalid) {
    if (presented == null || presented.isBlank()) {
      throw HttpError.unauthorized(missing);
    }
    ApiKey key = keys.verify(presented.strip()).orElseThrow(() -> HttpError.unauthorized(invalid));
    metrics.sawTenant(key.tenant());
    return key;
  }

  /** Refuses a key over its rate (429 with Retry-After). */
  void throttle(ApiKey key) {
    long wait = limiter.acquire(key.id(), System.nanoTime());
    if (wait > 0) {
      throw HttpError.tooManyRequests(wait);
    }
  }

  private static void requireJson(Context ctx) {
    String type = ctx.contentType();
    String base = type == null ? "" : type.split(";")[0].strip().toLowerCase(Locale.ROOT);
    if (!base.equals("application/json") && !base.equals("application/merge-patch+json")) {
      throw HttpError.unsupportedMediaType(
          "the body must be JSON: send Content-Type: application/json"
              + (type == null ? "" : "; got '" + type + "'"));
    }
  }
}
