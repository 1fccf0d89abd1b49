package dev.attune.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.api.Json;
import dev.attune.core.Attune;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.Embedder;
import dev.attune.core.testing.HashingEmbedder;
import dev.attune.server.ServerConfig;
import dev.attune.server.ServerEngine;
import dev.attune.server.ServerMetrics;
import dev.attune.server.Stores;
import dev.attune.store.jdbc.JdbcStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;

/** The real HTTP API on port 0 over a temporary SQLite store, and a small client for tests. */
public final class TestServer implements AutoCloseable {
  public final Path dir;
  public final JdbcStore store;
  public final Attune attune;
  public final HttpApi api;
  public final ServerMetrics metrics = new ServerMetrics();
  private final HttpClient http = HttpClient.newHttpClient();

  /** A response: status, headers and body. */
  public record Reply(int status, String body, java.net.http.HttpHeaders headers) {
    public JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }

    public String errorCode() {
      return json().path("error").path("code").asText();
    }

    public String errorField() {
      return json().path("error").path("field").asText(null);
    }
  }

  public TestServer() throws IOException {
    this(Map.of(), new HashingEmbedder());
  }

  /**
   * A server whose engine runs on a new PostgreSQL database (embedded, from Maven), encrypted under
   * a fresh master key, with the test embedder.
   */
  public static TestServer postgres() throws IOException {
    TestServer server =
        new TestServer(
            Map.of(
                "store",
                dev.attune.store.postgres.TestDatabase.url(
                    dev.attune.store.postgres.TestDatabase.newDatabase()),
                "master_key",
                dev.attune.store.jdbc.MasterKey.generate().base64()),
            new dev.attune.core.testing.HashingEmbedder());
    if (!server.store.encrypted()) {
      throw new IllegalStateException("expected an encrypted store");
    }
    if (!(server.store instanceof dev.attune.store.postgres.PostgresStore)) {
      throw new IllegalStateException("expected PostgreSQL, got " + server.store);
    }
    return server;
  }

  public TestServer(Map<String, String> settings, Embedder embedder) throws IOException {
    this(Files.createTempDirectory("attune-http-it"), settings, embedder);
  }

  /** The server with its data directory in {@code dir} (a disk the test controls). */
  public TestServer(Path dir, Map<String, String> settings, Embedder embedder) {
    this.dir = dir;
    java.util.HashMap<String, String> flags = new java.util.HashMap<>(settings);
    flags.putIfAbsent("port", "0");
    flags.put("data", dir.toString());
    ServerConfig config = ServerConfig.resolve(flags, Map.of(), null);
    // As serve opens it: SQLite in a temporary directory (or PostgreSQL at "store"), encrypted
    // at rest unless the settings say encryption=off.
    this.store =
        Stores.open(
            config,
            Stores.Keys.CREATE_FOR_NEW_STORE,
            new java.io.PrintWriter(java.io.Writer.nullWriter()));
    this.attune = ServerEngine.build(config, store, metrics, embedder);
    this.api = HttpApi.start(config, attune, store, metrics, InstantSource.system());
  }

  public String key(String tenant, KeyRole role) {
    return api.keys()
        .create(TenantId.of(tenant), role, role.wireName() + " key", null, null)
        .secret();
  }

  public String userToken(String tenant, String user, Duration ttl) {
    return api.keys()
        .create(TenantId.of(tenant), KeyRole.USER, null, UserId.of(user), ttl)
        .secret();
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + api.port() + path);
  }

  public Reply send(String method, String path, String key, String body) {
    return send(method, path, key, body, "application/json");
  }

  public Reply send(String method, String path, String key, String body, String contentType) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    if (body != null) {
      if (contentType != null) {
        b.header("Content-Type", contentType);
      }
      b.method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body(), r.headers());
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public Reply get(String path, String key) {
    return send("GET", path, key, null);
  }

  public Reply post(String path, String key, Object body) {
    return send("POST", path, key, body instanceof String s ? s : Json.write(body));
  }

  @Override
  public void close() {
    api.close();
    attune.close();
  }
}
