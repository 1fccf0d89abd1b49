package dev.attune.server.http;

import dev.attune.api.HealthBody;
import dev.attune.core.Attune;
import dev.attune.core.model.ApiKey;
import dev.attune.core.model.AuditEntry;
import dev.attune.core.model.UserId;
import dev.attune.core.port.AccessStore;
import dev.attune.core.port.ObservationLog;
import dev.attune.server.ServerConfig;
import dev.attune.server.ServerMetrics;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP API v1, built in code (no annotations): the route groups ({@link ContextRoutes}, {@link
 * UserRoutes}, {@link AdminRoutes}, {@link EffectRoutes}) declare each route with the {@link
 * Operation} it performs, which {@link Gate} judges by {@link AccessPolicy} before the handler;
 * {@link ErrorMapping} answers every failure; after every request its metrics and audit entry are
 * recorded. The tenant is always the caller's key's.
 */
public final class HttpApi implements AutoCloseable {
  private static final String VERSION = "0.1.0";

  private final Keys keys;
  private final AuditRecorder audit;
  private final ServerMetrics metrics;
  private final InstantSource clock;
  private final List<Routes.Route> routes;
  private final Javalin app;
  private final McpEndpoint mcp;
  private final java.util.concurrent.atomic.AtomicInteger inFlight =
      new java.util.concurrent.atomic.AtomicInteger();

  private HttpApi(
      ServerConfig config,
      Attune attune,
      AccessStore access,
      ServerMetrics metrics,
      InstantSource clock) {
    this.clock = clock;
    this.keys = new Keys(access, clock);
    this.audit = new AuditRecorder(access);
    this.metrics = metrics;
    metrics.countMemoriesWith(attune::countActiveMemories);
    RateLimiter limiter = new RateLimiter(config.rateLimit(), config.rateBurst());
    Gate gate = new Gate(keys, limiter, metrics);
    ErrorMapping errors = new ErrorMapping(config.maxBodyBytes());
    LearningBacklog backlog = new LearningBacklog(attune, config.observeQueueMax(), clock);
    List<Routes.Route>[] declared = new List[1];
    this.mcp = new McpEndpoint(attune, gate, audit, clock, VERSION, config.maxBodyBytes());
    this.app =
        Javalin.create(
            cfg -> {
              cfg.concurrency.useVirtualThreads = true;
              cfg.startup.showJavalinBanner = false;
              cfg.jetty.host = config.host();
              cfg.jetty.port = config.port();
              cfg.http.maxRequestSize = config.maxBodyBytes();
              cfg.router.ignoreTrailingSlashes = true;
              cfg.jetty.modifyServletContextHandler(mcp::mount);
              cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorPages()));
              cfg.routes.before(ctx -> inFlight.incrementAndGet());
              cfg.routes.beforeMatched(gate::check);
              Routes r = new Routes(cfg.routes, config.maxBodyBytes());
              r.open("GET", "/health", ctx -> Call.respond(ctx, 200, health(backlog)));
              r.open("GET", "/metrics", ctx -> metrics(ctx, config.metricsToken()));
              r.open("GET", "/openapi.yaml", HttpApi::openApi);
              new ContextRoutes(attune, config, metrics, backlog).declare(r);
              new UserRoutes(attune).declare(r);
              new AdminRoutes(attune, access, keys, audit, config, clock).declare(r);
              new EffectRoutes(attune, clock).declare(r);
              new ModelProxy(attune, gate, config, this::auditNow).declare(r);
              DashboardPages.declare(r);
              declared[0] = r.declared();
              cfg.routes.after(this::finish);
              cfg.routes.after(ctx -> inFlight.decrementAndGet());
              cfg.routes.exception(Exception.class, errors::handle);
              cfg.routes.error(
                  404,
                  ctx ->
                      errors.unmatched(
                          ctx,
                          404,
                          "not_found",
                          "no such endpoint: " + ctx.method() + " " + ctx.path()));
              cfg.routes.error(
                  405,
                  ctx ->
                      errors.unmatched(
                          ctx,
                          405,
                          "method_not_allowed",
                          ctx.method() + " is not allowed on " + ctx.path()));
            });
    this.routes = declared[0];
  }

  /**
   * Starts the API.
   *
   * @param access where keys and the audit log are kept (the same store as the data)
   */
  public static HttpApi start(
      ServerConfig config,
      Attune attune,
      AccessStore access,
      ServerMetrics metrics,
      InstantSource clock) {
    HttpApi api = new HttpApi(config, attune, access, metrics, clock);
    api.app.start();
    return api;
  }

  /** The port it listens on (the chosen one, when configured with 0). */
  public int port() {
    return app.port();
  }

  /** Every route it serves, with who may call it. */
  public List<Routes.Route> routes() {
    return routes;
  }

  public Keys keys() {
    return keys;
  }

  /**
   * Stops gracefully: no new connections, the requests in flight answered (for at most {@code
   * timeout}), then {@link #close}. Returns true when every request in flight was answered.
   */
  public boolean shutdown(java.time.Duration timeout) {
    for (var connector : app.jettyServer().server().getConnectors()) {
      if (connector instanceof org.eclipse.jetty.server.NetworkConnector listening) {
        listening.close(); // stop accepting; open connections finish their requests
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    boolean drained = inFlight.get() == 0;
    close();
    return drained;
  }

  @Override
  public void close() {
    mcp.close();
    app.stop();
    audit.close();
  }

  /** Prometheus text; with {@code metrics_token} set, only for a bearer of that token. */
  private void metrics(Context ctx, @Nullable String token) {
    if (token != null) {
      String bearer = Gate.bearer(ctx.header("Authorization"));
      String presented = bearer == null ? "" : bearer;
      if (!MessageDigest.isEqual(
          presented.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
        throw HttpError.unauthorized(
            "/metrics needs the metrics token: Authorization: Bearer <token>");
      }
    }
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
  }

  private static void openApi(Context ctx) throws IOException {
    try (InputStream in = HttpApi.class.getResourceAsStream("/openapi.yaml")) {
      ctx.contentType("application/yaml; charset=utf-8")
          .result(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** Liveness, with how far learning is behind: one read of the backlog. */
  private HealthBody health(LearningBacklog backlog) {
    ObservationLog.Backlog b = backlog.now();
    return new HealthBody(
        "ok", VERSION, new HealthBody.Learning(b.observations(), b.lagSeconds(clock.instant())));
  }

  /** After every request: its latency by route and status, and for a keyed call its audit entry. */
  private void finish(Context ctx) {
    String route = ctx.attribute(Call.ROUTE);
    Long started = ctx.attribute(Call.STARTED);
    if (route != null && started != null) {
      metrics.http(ctx.method().name(), route, ctx.statusCode(), System.nanoTime() - started);
    }
    CompletableFuture<Void> submitted = ctx.attribute(Call.AUDIT_SUBMITTED);
    if (submitted != null) {
      AuditRecorder.await(submitted);
      return;
    }
    ApiKey key = ctx.attribute(Call.KEY);
    if (key == null || route == null) {
      return;
    }
    audit.record(key.tenant(), auditEntry(ctx, key, route));
  }

  /**
   * Submits the request's audit entry now, once its status can no longer change (the answer is
   * being written); {@link #finish} then waits for that commit instead of writing another entry.
   */
  private void auditNow(Context ctx) {
    String route = ctx.attribute(Call.ROUTE);
    ApiKey key = ctx.attribute(Call.KEY);
    if (key != null && route != null && ctx.attribute(Call.AUDIT_SUBMITTED) == null) {
      ctx.attribute(Call.AUDIT_SUBMITTED, audit.submit(key.tenant(), auditEntry(ctx, key, route)));
    }
  }

  private AuditEntry auditEntry(Context ctx, ApiKey key, String route) {
    UserId user = ctx.attribute(Call.AUDIT_USER);
    String target = ctx.attribute(Call.AUDIT_TARGET);
    return new AuditEntry(
        clock.instant(),
        key.id(),
        key.role(),
        ctx.method().name() + " " + route,
        user,
        target,
        ctx.statusCode());
  }
}
