package dev.attune.server.http;

import dev.attune.api.AuditBody;
import dev.attune.api.ContextQuery;
import dev.attune.api.ErrorBody;
import dev.attune.api.HealthBody;
import dev.attune.api.Json;
import dev.attune.api.JsonInputException;
import dev.attune.api.KeyBody;
import dev.attune.api.MemoryBody;
import dev.attune.api.ObservationBody;
import dev.attune.api.ObserveBody;
import dev.attune.api.OrgBody;
import dev.attune.api.ProfileBody;
import dev.attune.api.UsageBody;
import dev.attune.core.Attune;
import dev.attune.core.ConflictException;
import dev.attune.core.ContextRequest;
import dev.attune.core.InvalidRequestException;
import dev.attune.core.MemoryEdit;
import dev.attune.core.NewMemory;
import dev.attune.core.NotFoundException;
import dev.attune.core.ObserveRequest;
import dev.attune.core.StoreException;
import dev.attune.core.model.ApiKey;
import dev.attune.core.model.AuditEntry;
import dev.attune.core.model.Category;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.MemoryStatus;
import dev.attune.core.model.Observation;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.model.UserRecord;
import dev.attune.core.port.AccessStore;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.port.MemoryStore;
import dev.attune.core.port.UsageRow;
import dev.attune.server.ServerConfig;
import dev.attune.server.wire.Wire;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP API v1. Built in code (no annotations): every route is declared in {@link #routes()}
 * with the roles that may call it; the tenant is always the caller's key's.
 */
public final class HttpApi implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(HttpApi.class.getName());
  private static final String KEY = "attune.key";
  private static final String ROUTE = "attune.route";
  private static final String STARTED = "attune.started";
  private static final String AUDIT_USER = "attune.audit.user";
  private static final String AUDIT_TARGET = "attune.audit.target";
  private static final String VERSION = "0.1.0";

  /** Who may call a route. */
  public enum Access {
    /** No key needed. */
    PUBLIC,
    /** Admin keys. */
    ADMIN,
    /** Admin and service keys. */
    SERVICE,
    /** Admin and service keys, and the user token of the user named in the path. */
    OWN_USER
  }

  /** A declared route. */
  public record Route(String method, String path, Access access) {}

  @FunctionalInterface
  private interface ApiHandler {
    void handle(Context ctx, @Nullable ApiKey key) throws Exception;
  }

  private final ServerConfig config;
  private final Attune attune;
  private final AccessStore access;
  private final Keys keys;
  private final InstantSource clock;
  private final RateLimiter limiter;
  private final AuditRecorder audit;
  private final ServerMetrics metrics;
  private final List<Route> routes = new ArrayList<>();
  private final Javalin app;

  private HttpApi(
      ServerConfig config,
      Attune attune,
      AccessStore access,
      ServerMetrics metrics,
      InstantSource clock) {
    this.config = config;
    this.attune = attune;
    this.access = access;
    this.clock = clock;
    this.keys = new Keys(access, clock);
    this.limiter = new RateLimiter(config.rateLimit(), config.rateBurst());
    this.audit = new AuditRecorder(access);
    this.metrics = metrics;
    metrics.countMemoriesWith(attune::countActiveMemories);
    this.app =
        Javalin.create(
            cfg -> {
              cfg.concurrency.useVirtualThreads = true;
              cfg.startup.showJavalinBanner = false;
              cfg.jetty.host = config.host();
              cfg.jetty.port = config.port();
              cfg.http.maxRequestSize = config.maxBodyBytes();
              cfg.router.ignoreTrailingSlashes = true;
              declare(cfg.routes);
              cfg.routes.after(this::finish);
              cfg.routes.exception(Exception.class, (e, ctx) -> error(ctx, e));
              cfg.routes.error(
                  404,
                  ctx ->
                      unmatched(
                          ctx,
                          404,
                          "not_found",
                          "no such endpoint: " + ctx.method() + " " + ctx.path()));
              cfg.routes.error(
                  405,
                  ctx ->
                      unmatched(
                          ctx,
                          405,
                          "method_not_allowed",
                          ctx.method() + " is not allowed on " + ctx.path()));
            });
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

  /** Every route it serves. */
  public List<Route> routes() {
    return List.copyOf(routes);
  }

  public Keys keys() {
    return keys;
  }

  @Override
  public void close() {
    app.stop();
    audit.close();
  }

  // ---------------------------------------------------------------------------------------------
  // routes

  private void declare(io.javalin.config.RoutesConfig r) {
    route(
        r,
        "GET",
        "/health",
        Access.PUBLIC,
        (ctx, k) -> json(ctx, 200, new HealthBody("ok", VERSION)));
    route(
        r,
        "GET",
        "/metrics",
        Access.PUBLIC,
        (ctx, k) ->
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    route(r, "GET", "/openapi.yaml", Access.PUBLIC, this::openApi);

    route(r, "POST", "/v1/context", Access.SERVICE, this::context);
    route(r, "POST", "/v1/observe", Access.SERVICE, this::observe);
    route(r, "GET", "/v1/observations/{observation_id}", Access.SERVICE, this::observation);

    route(r, "GET", "/v1/users/{user_id}/profile", Access.OWN_USER, this::getProfile);
    route(r, "PUT", "/v1/users/{user_id}/profile", Access.SERVICE, this::putProfile);
    route(r, "PATCH", "/v1/users/{user_id}/profile", Access.SERVICE, this::patchProfile);
    route(r, "GET", "/v1/users/{user_id}/memories", Access.OWN_USER, this::listMemories);
    route(r, "POST", "/v1/users/{user_id}/memories", Access.SERVICE, this::addMemory);
    route(r, "GET", "/v1/users/{user_id}/memories/{memory_id}", Access.OWN_USER, this::getMemory);
    route(
        r, "PATCH", "/v1/users/{user_id}/memories/{memory_id}", Access.SERVICE, this::patchMemory);
    route(
        r,
        "DELETE",
        "/v1/users/{user_id}/memories/{memory_id}",
        Access.OWN_USER,
        this::deleteMemory);
    route(
        r,
        "GET",
        "/v1/users/{user_id}/memories/{memory_id}/history",
        Access.OWN_USER,
        this::history);
    route(r, "GET", "/v1/users/{user_id}/export", Access.OWN_USER, this::export);
    route(r, "DELETE", "/v1/users/{user_id}", Access.OWN_USER, this::forget);

    route(r, "GET", "/v1/orgs/{org_id}", Access.SERVICE, this::getOrg);
    route(r, "PUT", "/v1/orgs/{org_id}", Access.ADMIN, this::putOrg);
    route(r, "DELETE", "/v1/orgs/{org_id}", Access.ADMIN, this::deleteOrg);

    route(r, "GET", "/v1/audit", Access.ADMIN, this::audit);
    route(r, "GET", "/v1/usage", Access.ADMIN, this::usage);
    route(r, "GET", "/v1/keys", Access.ADMIN, this::listKeys);
    route(r, "POST", "/v1/keys", Access.ADMIN, this::createKey);
    route(r, "DELETE", "/v1/keys/{key_id}", Access.ADMIN, this::revokeKey);
    route(r, "POST", "/v1/user-tokens", Access.ADMIN, this::createUserToken);
  }

  private void route(
      io.javalin.config.RoutesConfig r, String method, String path, Access access, ApiHandler h) {
    routes.add(new Route(method, path, access));
    io.javalin.http.Handler handler =
        ctx -> {
          ctx.attribute(ROUTE, path);
          ApiKey key = access == Access.PUBLIC ? null : authorize(ctx, access);
          if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            requireJson(ctx);
          }
          h.handle(ctx, key);
        };
    switch (method) {
      case "GET" -> r.get(path, handler);
      case "POST" -> r.post(path, handler);
      case "PUT" -> r.put(path, handler);
      case "PATCH" -> r.patch(path, handler);
      case "DELETE" -> r.delete(path, handler);
      default -> throw new IllegalArgumentException(method);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // authentication, authorization, limits

  private ApiKey authorize(Context ctx, Access required) {
    ctx.attribute(STARTED, System.nanoTime());
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw HttpError.unauthorized("missing API key: send Authorization: Bearer <key>");
    }
    ApiKey key =
        keys.verify(header.substring(7).strip())
            .orElseThrow(() -> HttpError.unauthorized("invalid, expired or revoked API key"));
    ctx.attribute(KEY, key);
    metrics.sawTenant(key.tenant());
    boolean allowed =
        switch (required) {
          case PUBLIC -> true;
          case ADMIN -> key.role() == KeyRole.ADMIN;
          case SERVICE -> key.role() == KeyRole.ADMIN || key.role() == KeyRole.SERVICE;
          case OWN_USER ->
              key.role() != KeyRole.USER
                  || (key.user() != null && key.user().value().equals(ctx.pathParam("user_id")));
        };
    if (!allowed) {
      throw HttpError.forbidden(
          key.role() == KeyRole.USER
              ? "a user token may only read, export and delete its own user's data"
              : "a "
                  + key.role().wireName()
                  + " key may not call "
                  + ctx.method()
                  + " "
                  + ctx.attribute(ROUTE));
    }
    long wait = limiter.acquire(key.id(), System.nanoTime());
    if (wait > 0) {
      throw HttpError.tooManyRequests(wait);
    }
    return key;
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

  private static TenantId tenant(@Nullable ApiKey key) {
    if (key == null) {
      throw new IllegalStateException("route without a key");
    }
    return key.tenant();
  }

  private static UserId pathUser(Context ctx) {
    UserId user = UserId.of(ctx.pathParam("user_id"));
    ctx.attribute(AUDIT_USER, user);
    return user;
  }

  private String body(Context ctx) {
    long max = config.maxBodyBytes();
    String length = ctx.header("Content-Length");
    if (length != null
        && length.chars().allMatch(Character::isDigit)
        && Long.parseLong(length) > max) {
      throw tooLarge();
    }
    try (InputStream in = ctx.bodyInputStream()) {
      // Read one byte past the limit: a chunked body has no length to check first.
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
      if (bytes.length > max) {
        throw tooLarge();
      }
      if (bytes.length == 0) {
        throw new JsonInputException(
            "malformed_json", "body", "the request body is empty; expected a JSON object");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new JsonInputException(
          "malformed_json", "body", "cannot read the request body: " + e.getMessage());
    }
  }

  private HttpError tooLarge() {
    return new HttpError(
        413,
        "payload_too_large",
        "the request body is larger than " + config.maxBodyBytes() + " bytes (max_body_bytes)",
        "body",
        Map.of());
  }

  private <T> T read(Context ctx, Class<T> type) {
    return Json.read(body(ctx), type, "request body");
  }

  private static void json(Context ctx, int status, Object body) {
    ctx.status(status).contentType("application/json").result(Json.write(body));
  }

  // ---------------------------------------------------------------------------------------------
  // context and observe

  private void context(Context ctx, @Nullable ApiKey key) {
    ContextQuery q = read(ctx, ContextQuery.class);
    UserId user = UserId.of(q.userId());
    ctx.attribute(AUDIT_USER, user);
    ContextRequest.Builder b = ContextRequest.builder(tenant(key), user).query(q.query());
    if (q.orgId() != null) {
      b.org(OrgId.of(q.orgId()));
    }
    if (q.maxTokens() != null) {
      b.maxTokens(q.maxTokens());
    }
    if (q.sessionId() != null) {
      b.sessionId(Ids.session("session_id", q.sessionId()));
    }
    if (q.conversation() != null) {
      b.conversation(Wire.messages("conversation", q.conversation()));
    }
    b.modelContextWindow(q.modelContextWindow());
    if (q.categories() != null) {
      Set<Category> categories = EnumSet.noneOf(Category.class);
      for (int i = 0; i < q.categories().size(); i++) {
        categories.add(
            Category.parse("categories[" + i + "]", String.valueOf(q.categories().get(i))));
      }
      b.categories(categories);
    }
    b.timeRange(Wire.instant("from", q.from()), Wire.instant("to", q.to()));
    if (q.limit() != null) {
      b.limit(q.limit());
    }
    int timeout = q.timeoutMs() != null ? q.timeoutMs() : config.contextTimeoutMs();
    if (timeout < 1 || timeout > 60_000) {
      throw new InvalidRequestException(
          "timeout_ms", "timeout_ms must be within 1..60000; got " + timeout);
    }
    b.timeout(Duration.ofMillis(timeout));
    json(ctx, 200, Wire.pack(attune.context(b.build())));
  }

  private void observe(Context ctx, @Nullable ApiKey key) {
    boolean wait = "true".equalsIgnoreCase(ctx.queryParam("wait"));
    ObserveBody body = read(ctx, ObserveBody.class);
    UserId user = UserId.of(body.userId());
    ctx.attribute(AUDIT_USER, user);
    OrgId org = body.orgId() == null ? null : OrgId.of(body.orgId());
    String id =
        attune.submit(
            ObserveRequest.builder(tenant(key), user)
                .org(org)
                .sessionId(body.sessionId())
                .messages(Wire.messages("messages", body.messages()))
                .actor("api:" + key.id())
                .build());
    ctx.attribute(AUDIT_TARGET, id);
    metrics.observationAccepted();
    Observation o =
        wait
            ? attune
                .awaitObservation(tenant(key), id, Duration.ofMillis(config.observeWaitMs()))
                .orElseThrow()
            : attune.observation(tenant(key), id).orElseThrow();
    boolean finished = o.state() == Observation.State.DONE || o.state() == Observation.State.FAILED;
    json(ctx, finished ? 200 : 202, observationBody(tenant(key), o));
  }

  private void observation(Context ctx, @Nullable ApiKey key) {
    String id = ctx.pathParam("observation_id");
    ctx.attribute(AUDIT_TARGET, id);
    Observation o =
        attune
            .observation(tenant(key), id)
            .orElseThrow(() -> new NotFoundException("observation '" + id + "' not found"));
    ctx.attribute(AUDIT_USER, o.user());
    json(ctx, 200, observationBody(tenant(key), o));
  }

  private MemoryBody memoryBody(Memory m) {
    return Wire.memory(attune.state(m));
  }

  private ObservationBody observationBody(TenantId tenant, Observation o) {
    Observation.Outcome out = o.outcome();
    return new ObservationBody(
        o.id(),
        o.user().value(),
        o.state().wireName(),
        o.receivedAt(),
        o.finishedAt(),
        out == null ? null : out.stored(),
        out == null ? null : out.duplicates(),
        out == null ? null : memories(tenant, o.user(), out.added()),
        out == null ? null : memories(tenant, o.user(), out.reinforced()),
        out == null ? null : memories(tenant, o.user(), out.superseded()),
        out == null ? null : out.awaitingExtraction(),
        o.error());
  }

  private List<MemoryBody> memories(TenantId tenant, UserId user, List<MemoryId> ids) {
    List<MemoryBody> out = new ArrayList<>(ids.size());
    for (MemoryId id : ids) {
      attune.memory(tenant, user, id).ifPresent(m -> out.add(memoryBody(m)));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // profiles

  private UserRecord existingUser(TenantId tenant, UserId user) {
    return attune
        .user(tenant, user)
        .orElseThrow(() -> new NotFoundException("user '" + user + "' not found"));
  }

  private void getProfile(Context ctx, @Nullable ApiKey key) {
    json(ctx, 200, Wire.profile(existingUser(tenant(key), pathUser(ctx))));
  }

  private void putProfile(Context ctx, @Nullable ApiKey key) {
    UserId user = pathUser(ctx);
    ProfileBody.Put put = read(ctx, ProfileBody.Put.class);
    UserRecord r = attune.putProfile(tenant(key), user, Wire.userProfile(put));
    if (put.orgId() != null) {
      r = attune.setOrg(tenant(key), user, OrgId.of(put.orgId()));
    }
    json(ctx, 200, Wire.profile(r));
  }

  private void patchProfile(Context ctx, @Nullable ApiKey key) {
    UserId user = pathUser(ctx);
    Map<String, Object> patch = new LinkedHashMap<>(Json.readObject(body(ctx), "request body"));
    for (String field : patch.keySet()) {
      if (!field.equals("org_id") && !dev.attune.core.model.UserProfile.FIELDS.contains(field)) {
        throw new JsonInputException(
            "unknown_field", field, "request body: unknown field '" + field + "'");
      }
    }
    boolean orgGiven = patch.containsKey("org_id");
    Object org = patch.remove("org_id");
    if (org != null && !(org instanceof String)) {
      throw new InvalidRequestException("org_id", "org_id must be a string or null");
    }
    UserRecord r = attune.patchProfile(tenant(key), user, patch);
    if (orgGiven) {
      r = attune.setOrg(tenant(key), user, org == null ? null : OrgId.of((String) org));
    }
    json(ctx, 200, Wire.profile(r));
  }

  // ---------------------------------------------------------------------------------------------
  // memories

  private void listMemories(Context ctx, @Nullable ApiKey key) {
    UserId user = pathUser(ctx);
    existingUser(tenant(key), user);
    Set<MemoryStatus> statuses = statuses(ctx.queryParam("status"));
    Set<Category> categories = EnumSet.noneOf(Category.class);
    String categoryParam = ctx.queryParam("category");
    if (categoryParam != null) {
      for (String c : categoryParam.split(",")) {
        categories.add(Category.parse("category", c.strip()));
      }
    }
    int limit = intParam(ctx, "limit", 100, 1, 500);
    int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE - 1000);
    List<Memory> page =
        attune.memories(
            tenant(key), user, new MemoryQuery(statuses, categories, offset, limit + 1));
    Integer next = page.size() > limit ? offset + limit : null;
    json(
        ctx,
        200,
        new MemoryBody.Page(
            Wire.memories(page.subList(0, Math.min(limit, page.size())), attune), next));
  }

  private static Set<MemoryStatus> statuses(@Nullable String param) {
    if (param == null || param.isBlank()) {
      return EnumSet.of(MemoryStatus.ACTIVE);
    }
    Set<MemoryStatus> out = EnumSet.noneOf(MemoryStatus.class);
    for (String s : param.split(",")) {
      String v = s.strip().toLowerCase(Locale.ROOT);
      switch (v) {
        case "all" -> out.addAll(EnumSet.allOf(MemoryStatus.class));
        case "active" -> out.add(MemoryStatus.ACTIVE);
        case "superseded" -> out.add(MemoryStatus.SUPERSEDED);
        case "deleted" -> out.add(MemoryStatus.DELETED);
        default ->
            throw new InvalidRequestException(
                "status", "status must be active, superseded, deleted or all; got '" + s + "'");
      }
    }
    return out;
  }

  private static int intParam(Context ctx, String name, int dflt, int min, int max) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidRequestException(
        name, name + " must be a whole number within " + min + ".." + max + "; got '" + v + "'");
  }

  private void addMemory(Context ctx, @Nullable ApiKey key) {
    UserId user = pathUser(ctx);
    MemoryBody.Create c = read(ctx, MemoryBody.Create.class);
    if (c.category() == null) {
      throw new InvalidRequestException("category", "category is required");
    }
    NewMemory memory =
        new NewMemory(
            c.text(),
            Category.parse("category", c.category()),
            Boolean.TRUE.equals(c.pinned()),
            Wire.instant("valid_from", c.validFrom()));
    Memory m = attune.addMemory(tenant(key), user, memory, "api:" + key.id());
    ctx.attribute(AUDIT_TARGET, m.id().value());
    json(ctx, 201, memoryBody(m));
  }

  private MemoryId memoryId(Context ctx) {
    MemoryId id = MemoryId.of(ctx.pathParam("memory_id"));
    ctx.attribute(AUDIT_TARGET, id.value());
    return id;
  }

  private void getMemory(Context ctx, @Nullable ApiKey key) {
    UserId user = pathUser(ctx);
    MemoryId id = memoryId(ctx);
    Memory m =
        attune
            .memory(tenant(key), user, id)
            .orElseThrow(() -> new NotFoundException("memory " + id + " not found"));
    json(ctx, 200, memoryBody(m));
  }

  private void patchMemory(Context ctx, @Nullable ApiKey key) {
    UserId user = pathUser(ctx);
    MemoryId id = memoryId(ctx);
    MemoryBody.Patch p = read(ctx, MemoryBody.Patch.class);
    MemoryEdit edit =
        new MemoryEdit(
            p.text(),
            p.category() == null ? null : Category.parse("category", p.category()),
            p.pinned());
    json(ctx, 200, memoryBody(attune.editMemory(tenant(key), user, id, edit, actor(key))));
  }

  private void deleteMemory(Context ctx, @Nullable ApiKey key) {
    UserId user = pathUser(ctx);
    attune.deleteMemory(tenant(key), user, memoryId(ctx), actor(key));
    ctx.status(204);
  }

  private void history(Context ctx, @Nullable ApiKey key) {
    UserId user = pathUser(ctx);
    MemoryId id = memoryId(ctx);
    json(
        ctx,
        200,
        new MemoryBody.History(
            id.value(), attune.history(tenant(key), user, id).stream().map(Wire::change).toList()));
  }

  private static String actor(@Nullable ApiKey key) {
    return key == null
        ? "api"
        : key.role() == KeyRole.USER ? "user:" + key.user() : "api:" + key.id();
  }

  // ---------------------------------------------------------------------------------------------
  // the user's rights

  private void export(Context ctx, @Nullable ApiKey key) {
    UserId user = pathUser(ctx);
    existingUser(tenant(key), user);
    json(ctx, 200, Wire.export(attune.export(tenant(key), user), attune));
  }

  private void forget(Context ctx, @Nullable ApiKey key) {
    UserId user = pathUser(ctx);
    if (!attune.forget(tenant(key), user)) {
      throw new NotFoundException("user '" + user + "' not found");
    }
    ctx.status(204);
  }

  // ---------------------------------------------------------------------------------------------
  // orgs

  private OrgId orgId(Context ctx) {
    OrgId org = OrgId.of(ctx.pathParam("org_id"));
    ctx.attribute(AUDIT_TARGET, org.value());
    return org;
  }

  private void getOrg(Context ctx, @Nullable ApiKey key) {
    OrgId org = orgId(ctx);
    json(
        ctx,
        200,
        Wire.org(
            org,
            attune
                .org(tenant(key), org)
                .orElseThrow(() -> new NotFoundException("org '" + org + "' not found"))));
  }

  private void putOrg(Context ctx, @Nullable ApiKey key) {
    OrgId org = orgId(ctx);
    OrgBody body = read(ctx, OrgBody.class);
    if (body.orgId() != null && !body.orgId().equals(org.value())) {
      throw new InvalidRequestException(
          "org_id",
          "org_id in the body ('" + body.orgId() + "') differs from the path ('" + org + "')");
    }
    json(ctx, 200, Wire.org(org, attune.putOrg(tenant(key), org, Wire.orgProfile(body))));
  }

  private void deleteOrg(Context ctx, @Nullable ApiKey key) {
    OrgId org = orgId(ctx);
    if (!attune.deleteOrg(tenant(key), org)) {
      throw new NotFoundException("org '" + org + "' not found");
    }
    ctx.status(204);
  }

  // ---------------------------------------------------------------------------------------------
  // admin: audit, keys, user tokens

  private void audit(Context ctx, @Nullable ApiKey key) {
    audit.flush();
    String user = ctx.queryParam("user_id");
    List<AuditEntry> entries =
        access.audit(
            tenant(key),
            user == null ? null : UserId.of(user),
            Wire.instant("before", ctx.queryParam("before")),
            intParam(ctx, "limit", 100, 1, 1000));
    json(ctx, 200, new AuditBody.Page(entries.stream().map(HttpApi::auditBody).toList()));
  }

  /** The longest range {@code GET /v1/usage} reads, in days. */
  static final int MAX_USAGE_DAYS = 366;

  private void usage(Context ctx, @Nullable ApiKey key) {
    TenantId tenant = tenant(key);
    LocalDate to =
        day("to", ctx.queryParam("to"), LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
    LocalDate from = day("from", ctx.queryParam("from"), to.minusDays(29));
    if (from.isAfter(to)) {
      throw new InvalidRequestException("from", "from (" + from + ") is after to (" + to + ")");
    }
    if (java.time.temporal.ChronoUnit.DAYS.between(from, to) >= MAX_USAGE_DAYS) {
      throw new InvalidRequestException(
          "from", "the range may span at most " + MAX_USAGE_DAYS + " days");
    }
    List<UsageRow> rows = access.usage(tenant, from, to);
    MemoryStore.ExtractionBacklog backlog = attune.extractionBacklog(tenant);
    json(
        ctx,
        200,
        new UsageBody(
            from.toString(),
            to.toString(),
            config.llm().enabled() ? config.llm().id() : null,
            new UsageBody.Totals(
                rows.stream().mapToLong(UsageRow::calls).sum(),
                rows.stream().mapToLong(UsageRow::failures).sum(),
                rows.stream().mapToLong(UsageRow::inputTokens).sum(),
                rows.stream().mapToLong(UsageRow::outputTokens).sum(),
                rows.stream().mapToLong(UsageRow::latencyMillis).sum()),
            rows.stream()
                .map(
                    r ->
                        new UsageBody.Day(
                            r.day().toString(),
                            r.operation(),
                            r.model(),
                            r.calls(),
                            r.failures(),
                            r.inputTokens(),
                            r.outputTokens(),
                            r.latencyMillis()))
                .toList(),
            new UsageBody.Backlog(backlog.awaiting(), backlog.failedAtLeastOnce())));
  }

  private static LocalDate day(String field, @Nullable String value, LocalDate otherwise) {
    if (value == null || value.isBlank()) {
      return otherwise;
    }
    try {
      return LocalDate.parse(value.strip());
    } catch (java.time.format.DateTimeParseException e) {
      throw new InvalidRequestException(
          field, field + " must be a day as yyyy-mm-dd; got '" + value + "'");
    }
  }

  private static AuditBody auditBody(AuditEntry e) {
    return new AuditBody(
        e.at(),
        e.keyId(),
        e.role().wireName(),
        e.action(),
        e.user() == null ? null : e.user().value(),
        e.target(),
        e.status());
  }

  private void listKeys(Context ctx, @Nullable ApiKey key) {
    json(
        ctx,
        200,
        new KeyBody.Page(access.keys(tenant(key)).stream().map(HttpApi::keyBody).toList()));
  }

  static KeyBody keyBody(ApiKey k) {
    return new KeyBody(
        k.id(),
        k.role().wireName(),
        k.label(),
        k.user() == null ? null : k.user().value(),
        k.createdAt(),
        k.expiresAt(),
        k.revokedAt());
  }

  private void createKey(Context ctx, @Nullable ApiKey key) {
    KeyBody.Create c = read(ctx, KeyBody.Create.class);
    KeyRole role;
    if ("admin".equalsIgnoreCase(String.valueOf(c.role()))) {
      role = KeyRole.ADMIN;
    } else if ("service".equalsIgnoreCase(String.valueOf(c.role()))) {
      role = KeyRole.SERVICE;
    } else {
      throw new InvalidRequestException(
          "role", "role must be admin or service; got '" + c.role() + "'");
    }
    String label = c.label() == null ? null : Ids.label(c.label());
    Keys.Minted minted = keys.create(tenant(key), role, label, null, null);
    ctx.attribute(AUDIT_TARGET, minted.key().id());
    json(ctx, 201, new KeyBody.Created(keyBody(minted.key()), minted.secret()));
  }

  private void revokeKey(Context ctx, @Nullable ApiKey key) {
    String id = ctx.pathParam("key_id");
    ctx.attribute(AUDIT_TARGET, id);
    if (!keys.revoke(tenant(key), id)) {
      throw new NotFoundException("key '" + id + "' not found (or already revoked)");
    }
    ctx.status(204);
  }

  private void createUserToken(Context ctx, @Nullable ApiKey key) {
    KeyBody.UserToken t = read(ctx, KeyBody.UserToken.class);
    UserId user = UserId.of(t.userId());
    ctx.attribute(AUDIT_USER, user);
    int ttl = t.ttlSeconds() == null ? config.userTokenTtlSeconds() : t.ttlSeconds();
    if (ttl < 1 || ttl > 86_400) {
      throw new InvalidRequestException(
          "ttl_seconds", "ttl_seconds must be within 1..86400; got " + ttl);
    }
    Keys.Minted minted =
        keys.create(tenant(key), KeyRole.USER, null, user, Duration.ofSeconds(ttl));
    ctx.attribute(AUDIT_TARGET, minted.key().id());
    json(ctx, 201, new KeyBody.Created(keyBody(minted.key()), minted.secret()));
  }

  // ---------------------------------------------------------------------------------------------
  // openapi

  private void openApi(Context ctx, @Nullable ApiKey key) throws IOException {
    try (InputStream in = HttpApi.class.getResourceAsStream("/openapi.yaml")) {
      ctx.contentType("application/yaml; charset=utf-8")
          .result(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // errors, audit, metrics

  private void error(Context ctx, Exception e) {
    if (e instanceof HttpError h) {
      h.headers.forEach(ctx::header);
      json(ctx, h.status, ErrorBody.of(h.code, h.getMessage(), h.field));
    } else if (e instanceof JsonInputException j) {
      json(ctx, 400, ErrorBody.of(j.code(), j.getMessage(), j.field()));
    } else if (e instanceof InvalidRequestException i) {
      json(ctx, 422, ErrorBody.of("invalid_value", i.getMessage(), i.field()));
    } else if (e instanceof NotFoundException n) {
      json(ctx, 404, ErrorBody.of("not_found", n.getMessage(), null));
    } else if (e instanceof ConflictException c) {
      json(ctx, 409, ErrorBody.of("conflict", c.getMessage(), null));
    } else if (e instanceof StoreException s && s.retryable()) {
      ctx.header("Retry-After", "1");
      json(ctx, 503, ErrorBody.of("unavailable", s.getMessage(), null));
    } else if (e instanceof HttpResponseException h) {
      int status = h.getStatus();
      String code =
          switch (status) {
            case 413 -> "payload_too_large";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 415 -> "unsupported_media_type";
            default -> status < 500 ? "bad_request" : "internal";
          };
      String message =
          status == 413
              ? "the request body is larger than "
                  + config.maxBodyBytes()
                  + " bytes (max_body_bytes)"
              : h.getMessage();
      json(ctx, status, ErrorBody.of(code, message, status == 413 ? "body" : null));
    } else {
      String id = UUID.randomUUID().toString().substring(0, 8);
      LOG.log(Level.ERROR, "internal error " + id + " on " + ctx.method() + " " + ctx.path(), e);
      json(
          ctx,
          500,
          ErrorBody.of(
              "internal", "internal error " + id + "; the server log has the details", null));
    }
  }

  private void unmatched(Context ctx, int status, String code, String message) {
    if (ctx.attribute(ROUTE) == null) {
      json(ctx, status, ErrorBody.of(code, message, null));
    }
  }

  private void finish(Context ctx) {
    String route = ctx.attribute(ROUTE);
    Long started = ctx.attribute(STARTED);
    if (route != null && started != null) {
      metrics.http(ctx.method().name(), route, ctx.statusCode(), System.nanoTime() - started);
    }
    ApiKey key = ctx.attribute(KEY);
    if (key == null || route == null) {
      return;
    }
    UserId user = ctx.attribute(AUDIT_USER);
    String target = ctx.attribute(AUDIT_TARGET);
    audit.record(
        key.tenant(),
        new AuditEntry(
            clock.instant(),
            key.id(),
            key.role(),
            ctx.method().name() + " " + route,
            user,
            target,
            ctx.statusCode()));
  }

  /** Small validations of identifiers that have no record type of their own. */
  static final class Ids {
    private static final java.util.regex.Pattern ID =
        java.util.regex.Pattern.compile("[A-Za-z0-9._:@+\\-]{1,128}");

    private Ids() {}

    static String session(String field, String value) {
      if (!ID.matcher(value).matches()) {
        throw new InvalidRequestException(
            field, field + " must be 1-128 characters of letters, digits and . _ : @ + -");
      }
      return value;
    }

    static String label(String value) {
      String v = value.strip();
      if (v.isEmpty() || v.length() > 200) {
        throw new InvalidRequestException("label", "label must be 1-200 characters");
      }
      return v;
    }
  }
}
