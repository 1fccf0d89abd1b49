package dev.attune.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.api.AuditBody;
import dev.attune.api.ConnectionFailure;
import dev.attune.api.ContextQuery;
import dev.attune.api.ExportBody;
import dev.attune.api.HealthBody;
import dev.attune.api.Json;
import dev.attune.api.KeyBody;
import dev.attune.api.MemoryBody;
import dev.attune.api.MessageBody;
import dev.attune.api.ObservationBody;
import dev.attune.api.ObserveBody;
import dev.attune.api.OrgBody;
import dev.attune.api.Pack;
import dev.attune.api.ProfileBody;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A client for Attune's HTTP API v1. Thread-safe; make one per base URL and key and share it.
 *
 * <pre>{@code
 * AttuneClient attune = AttuneClient.builder()
 *     .baseUrl("http://localhost:8080")
 *     .apiKey(System.getenv("ATTUNE_API_KEY"))
 *     .build();
 * attune.observe("user-42", null, "session-1", List.of(MessageBody.user("I moved to Porto.")));
 * Pack pack = attune.context(ContextQuery.forUser("user-42", "Suggest a restaurant", 500));
 * }</pre>
 *
 * Every method throws an {@link AttuneApiException} subclass for an error answer (with the API's
 * error code and field) and {@link AttuneConnectionException} when the server cannot be reached.
 */
public final class AttuneClient {
  private final URI base;
  private final String apiKey;
  private final Duration timeout;
  private final HttpClient http;

  private AttuneClient(Builder b) {
    this.base = Objects.requireNonNull(b.baseUrl, "baseUrl is required");
    this.apiKey = Objects.requireNonNull(b.apiKey, "apiKey is required");
    this.timeout = b.timeout;
    this.http = b.http != null ? b.http : HttpClient.newBuilder().connectTimeout(b.timeout).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  // ---- context and observe ----

  /** {@code POST /v1/context}: the context for a request, never over its budget. */
  public Pack context(ContextQuery query) {
    return call("POST", "/v1/context", query, Pack.class);
  }

  /** {@code POST /v1/observe}: accepts messages; returns the observation id at once. */
  public String observe(
      String userId,
      @Nullable String orgId,
      @Nullable String sessionId,
      List<MessageBody> messages) {
    return call(
            "POST",
            "/v1/observe",
            new ObserveBody(userId, orgId, sessionId, messages),
            ObservationBody.class)
        .observationId();
  }

  /**
   * {@code POST /v1/observe?wait=true}: accepts messages and waits until they are learned from (or
   * the server's wait limit passes: then the status is still {@code pending}).
   */
  public ObservationBody observeAndWait(
      String userId,
      @Nullable String orgId,
      @Nullable String sessionId,
      List<MessageBody> messages) {
    return call(
        "POST",
        "/v1/observe?wait=true",
        new ObserveBody(userId, orgId, sessionId, messages),
        ObservationBody.class);
  }

  /** {@code GET /v1/observations/{id}}. */
  public ObservationBody observation(String observationId) {
    return call("GET", "/v1/observations/" + seg(observationId), null, ObservationBody.class);
  }

  // ---- profiles ----

  /** {@code GET /v1/users/{id}/profile}. */
  public ProfileBody profile(String userId) {
    return call("GET", user(userId) + "/profile", null, ProfileBody.class);
  }

  /** {@code PUT /v1/users/{id}/profile}: replaces the profile, creating the user. */
  public ProfileBody putProfile(String userId, ProfileBody.Put profile) {
    return call("PUT", user(userId) + "/profile", profile, ProfileBody.class);
  }

  /** {@code PATCH /v1/users/{id}/profile}: a JSON merge patch; a null value clears a field. */
  public ProfileBody patchProfile(String userId, Map<String, ?> patch) {
    return call("PATCH", user(userId) + "/profile", patch, ProfileBody.class);
  }

  // ---- memories ----

  /** {@code GET /v1/users/{id}/memories}, newest first. */
  public MemoryBody.Page memories(String userId, MemoryFilter filter) {
    List<String> q = new ArrayList<>();
    if (!filter.statuses().isEmpty()) {
      q.add("status=" + enc(String.join(",", filter.statuses())));
    }
    if (!filter.categories().isEmpty()) {
      q.add("category=" + enc(String.join(",", filter.categories())));
    }
    if (filter.limit() != null) {
      q.add("limit=" + filter.limit());
    }
    if (filter.offset() != null) {
      q.add("offset=" + filter.offset());
    }
    return call(
        "GET",
        user(userId) + "/memories" + (q.isEmpty() ? "" : "?" + String.join("&", q)),
        null,
        MemoryBody.Page.class);
  }

  /** {@code POST /v1/users/{id}/memories}: adds a memory explicitly. */
  public MemoryBody addMemory(String userId, MemoryBody.Create memory) {
    return call("POST", user(userId) + "/memories", memory, MemoryBody.class);
  }

  /** {@code GET /v1/users/{id}/memories/{memory_id}}. */
  public MemoryBody memory(String userId, String memoryId) {
    return call("GET", user(userId) + "/memories/" + seg(memoryId), null, MemoryBody.class);
  }

  /** {@code PATCH /v1/users/{id}/memories/{memory_id}}. */
  public MemoryBody patchMemory(String userId, String memoryId, MemoryBody.Patch patch) {
    return call("PATCH", user(userId) + "/memories/" + seg(memoryId), patch, MemoryBody.class);
  }

  /** {@code DELETE /v1/users/{id}/memories/{memory_id}}. */
  public void deleteMemory(String userId, String memoryId) {
    call("DELETE", user(userId) + "/memories/" + seg(memoryId), null, Void.class);
  }

  /** {@code GET /v1/users/{id}/memories/{memory_id}/history}. */
  public MemoryBody.History history(String userId, String memoryId) {
    return call(
        "GET",
        user(userId) + "/memories/" + seg(memoryId) + "/history",
        null,
        MemoryBody.History.class);
  }

  // ---- the user's rights ----

  /** {@code GET /v1/users/{id}/export}: everything held about the user. */
  public ExportBody export(String userId) {
    return call("GET", user(userId) + "/export", null, ExportBody.class);
  }

  /** {@code DELETE /v1/users/{id}}: erases the user. */
  public void forget(String userId) {
    call("DELETE", user(userId), null, Void.class);
  }

  // ---- orgs ----

  public OrgBody org(String orgId) {
    return call("GET", "/v1/orgs/" + seg(orgId), null, OrgBody.class);
  }

  public OrgBody putOrg(String orgId, OrgBody org) {
    return call("PUT", "/v1/orgs/" + seg(orgId), org, OrgBody.class);
  }

  public void deleteOrg(String orgId) {
    call("DELETE", "/v1/orgs/" + seg(orgId), null, Void.class);
  }

  // ---- admin ----

  /** {@code GET /v1/audit}, newest first. */
  public AuditBody.Page audit(@Nullable String userId, @Nullable Instant before, int limit) {
    List<String> q = new ArrayList<>();
    if (userId != null) {
      q.add("user_id=" + enc(userId));
    }
    if (before != null) {
      q.add("before=" + enc(before.toString()));
    }
    q.add("limit=" + limit);
    return call("GET", "/v1/audit?" + String.join("&", q), null, AuditBody.Page.class);
  }

  public KeyBody.Page keys() {
    return call("GET", "/v1/keys", null, KeyBody.Page.class);
  }

  /** {@code POST /v1/keys}: the answer holds the new key's secret, this once. */
  public KeyBody.Created createKey(String role, @Nullable String label) {
    return call("POST", "/v1/keys", new KeyBody.Create(role, label), KeyBody.Created.class);
  }

  public void revokeKey(String keyId) {
    call("DELETE", "/v1/keys/" + seg(keyId), null, Void.class);
  }

  /** {@code POST /v1/user-tokens}: a short-lived token bound to one user. */
  public KeyBody.Created createUserToken(String userId, @Nullable Integer ttlSeconds) {
    return call(
        "POST",
        "/v1/user-tokens",
        new KeyBody.UserToken(userId, ttlSeconds),
        KeyBody.Created.class);
  }

  /** {@code GET /health}. */
  public HealthBody health() {
    return call("GET", "/health", null, HealthBody.class);
  }

  // ---- plumbing ----

  private static String user(String userId) {
    return "/v1/users/" + seg(userId);
  }

  private static String seg(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private <T> T call(String method, String path, @Nullable Object body, Class<T> type) {
    // Relative to the base, so a base URL with a path prefix (behind a proxy) keeps it.
    URI target = base.resolve(path.substring(1));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(target)
            .timeout(timeout)
            .header("Authorization", "Bearer " + apiKey)
            .header("Accept", "application/json");
    if (body != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AttuneConnectionException(
          method + " " + target + " failed: " + ConnectionFailure.reason(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AttuneConnectionException("interrupted during " + method + " " + path, e);
    }
    if (r.statusCode() >= 400) {
      throw error(r);
    }
    if (type == Void.class || r.body().isEmpty()) {
      return null;
    }
    return Json.read(r.body(), type, "the answer to " + method + " " + path);
  }

  /**
   * Seconds to wait from a {@code Retry-After} header: Attune sends seconds; a proxy in front may
   * send an HTTP date, which counts from now. 1 when missing or unreadable.
   */
  static long retryAfterSeconds(String value) {
    if (value == null || value.isBlank()) {
      return 1;
    }
    try {
      return Math.max(0, Long.parseLong(value.strip()));
    } catch (NumberFormatException notSeconds) {
      try {
        java.time.ZonedDateTime at =
            java.time.ZonedDateTime.parse(
                value.strip(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
        return Math.max(
            0, java.time.Duration.between(java.time.Instant.now(), at.toInstant()).toSeconds());
      } catch (java.time.format.DateTimeParseException unreadable) {
        return 1;
      }
    }
  }

  private static AttuneApiException error(HttpResponse<String> r) {
    String code = "http_" + r.statusCode();
    String message = r.body();
    String field = null;
    try {
      JsonNode e = Json.MAPPER.readTree(r.body()).path("error");
      if (e.isObject()) {
        code = e.path("code").asText(code);
        message = e.path("message").asText(message);
        field = e.path("field").isTextual() ? e.path("field").asText() : null;
      }
    } catch (IOException | RuntimeException ignored) {
      // Not our error format (a proxy, say): keep the status and the raw body.
    }
    int s = r.statusCode();
    return switch (s) {
      case 400, 422 -> new AttuneApiException.InvalidRequest(s, code, message, field);
      case 401 -> new AttuneApiException.Unauthorized(code, message);
      case 403 -> new AttuneApiException.Forbidden(code, message);
      case 404 -> new AttuneApiException.NotFound(code, message);
      case 409 -> new AttuneApiException.Conflict(code, message);
      case 413 -> new AttuneApiException.PayloadTooLarge(code, message, field);
      case 429 ->
          new AttuneApiException.RateLimited(
              code, message, retryAfterSeconds(r.headers().firstValue("Retry-After").orElse(null)));
      default ->
          s >= 500
              ? new AttuneApiException.ServerError(s, code, message)
              : new AttuneApiException(s, code, message, field);
    };
  }

  /** Configures an {@link AttuneClient}. Base URL and API key are required. */
  public static final class Builder {
    private @Nullable URI baseUrl;
    private @Nullable String apiKey;
    private Duration timeout = Duration.ofSeconds(30);
    private @Nullable HttpClient http;

    private Builder() {}

    /** The server, e.g. {@code http://localhost:8080}. */
    public Builder baseUrl(String url) {
      String u = url.endsWith("/") ? url : url + "/";
      this.baseUrl = URI.create(u);
      if (baseUrl.getRawAuthority() == null
          || !("http".equalsIgnoreCase(baseUrl.getScheme())
              || "https".equalsIgnoreCase(baseUrl.getScheme()))) {
        throw new IllegalArgumentException("baseUrl must be an http(s) URL; got '" + url + "'");
      }
      return this;
    }

    /** An API key or user token ({@code atn_...}). */
    public Builder apiKey(String key) {
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException("apiKey must not be empty");
      }
      this.apiKey = key.strip();
      return this;
    }

    /** Per-request timeout (default 30 s). */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive; got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** Uses this HTTP client (for proxies, TLS settings, executors). */
    public Builder httpClient(HttpClient client) {
      this.http = Objects.requireNonNull(client, "client");
      return this;
    }

    public AttuneClient build() {
      return new AttuneClient(this);
    }
  }
}
