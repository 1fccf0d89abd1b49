package dev.attune.server.http;

import dev.attune.core.model.ApiKey;
import dev.attune.core.model.KeyRole;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.security.RouteRole;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Authentication, authorization and rate limiting, in one place, before every matched route: the
 * key from {@code Authorization: Bearer}, its role against the route's {@link Access}, the key's
 * rate, and for a request with a body, that the body is JSON. A refused request never reaches its
 * handler.
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
    if (roles.isEmpty() || roles.contains(Access.PUBLIC) || roles.contains(Access.PROXY)) {
      return;
    }
    ctx.attribute(Call.STARTED, System.nanoTime());
    ApiKey key =
        verify(
            bearer(ctx.header("Authorization")),
            "missing API key: send Authorization: Bearer <key>");
    ctx.attribute(Call.KEY, key);
    Access required = (Access) roles.iterator().next();
    if (!allowed(key, required, ctx)) {
      throw HttpError.forbidden(
          key.role() == KeyRole.USER
              ? "a user token may only read, export and delete its own user's data"
              : "a "
                  + key.role().wireName()
                  + " key may not call "
                  + ctx.method()
                  + " "
                  + ctx.attribute(Call.ROUTE));
    }
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
    if (presented == null || presented.isBlank()) {
      throw HttpError.unauthorized(missing);
    }
    ApiKey key =
        keys.verify(presented.strip())
            .orElseThrow(() -> HttpError.unauthorized("invalid, expired or revoked API key"));
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

  private static boolean allowed(ApiKey key, Access required, Context ctx) {
    return switch (required) {
      case PUBLIC, PROXY -> true;
      case ADMIN -> key.role() == KeyRole.ADMIN;
      case SERVICE -> key.role() == KeyRole.ADMIN || key.role() == KeyRole.SERVICE;
      case OWN_USER ->
          key.role() != KeyRole.USER
              || (key.user() != null && key.user().value().equals(ctx.pathParam("user_id")));
    };
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
