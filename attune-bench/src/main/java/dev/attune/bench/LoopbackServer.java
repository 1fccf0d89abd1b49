package dev.attune.bench;

import dev.attune.core.Attune;
import dev.attune.core.AttuneBuilder;
import dev.attune.core.api.ContextRequest;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.TenantId;
import dev.attune.server.ServerConfig;
import dev.attune.server.ServerMetrics;
import dev.attune.server.http.HttpApi;
import dev.attune.server.http.Keys;
import dev.attune.store.sqlite.SqliteStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * What the HTTP benches share: a store seeded with synthetic users (SQLite, encryption off), the
 * engine over it with every user's working set loaded, the real server on a free loopback port, and
 * a service key. Closing stops them and deletes the directory it made.
 */
final class LoopbackServer implements AutoCloseable {
  final Path dir;
  final SqliteStore store;
  final Attune attune;
  final HttpApi api;
  final ServerMetrics metrics;
  final String key;
  private final boolean ownsDir;

  private LoopbackServer(
      Path dir,
      boolean ownsDir,
      SqliteStore store,
      Attune attune,
      HttpApi api,
      ServerMetrics metrics,
      String key) {
    this.dir = dir;
    this.metrics = metrics;
    this.ownsDir = ownsDir;
    this.store = store;
    this.attune = attune;
    this.api = api;
    this.key = key;
  }

  /**
   * @param data where the store goes; null: a temporary directory, deleted on close
   * @param settings serve's settings over the benches' (port 0, rate limit off)
   * @param engine how the engine differs from the default
   */
  static LoopbackServer start(
      TenantId tenant,
      int users,
      int memories,
      SyntheticData synth,
      @Nullable Path data,
      Map<String, String> settings,
      UnaryOperator<AttuneBuilder> engine,
      PrintWriter w)
      throws IOException {
    Path dir = data != null ? data : Files.createTempDirectory("attune-bench");
    Seeder.seed(
        dir, tenant, users, memories, null, 0, synth, Instant.parse("2025-01-01T00:00:00Z"), w);
    Map<String, String> all = new HashMap<>(settings);
    all.putIfAbsent("port", "0");
    all.putIfAbsent("rate_limit", "0");
    all.put("data", dir.toString());
    ServerConfig config = ServerConfig.resolve(all, Map.of(), null);
    SqliteStore store = SqliteStore.open(dir);
    ServerMetrics metrics = new ServerMetrics();
    Attune attune =
        engine
            .apply(
                Attune.builder()
                    .store(store)
                    .workingSetCacheBytes(config.cacheBytes())
                    .episodeRetention(Duration.ZERO)
                    .metrics(metrics))
            .build();
    attune.warmUp();
    for (int u = 0; u < users; u++) {
      attune.context(ContextRequest.builder(tenant, Seeder.typical(u)).build());
    }
    String key =
        new Keys(store, InstantSource.system())
            .create(tenant, KeyRole.SERVICE, "bench", null, null)
            .secret();
    HttpApi api = HttpApi.start(config, attune, store, metrics, InstantSource.system());
    return new LoopbackServer(dir, data == null, store, attune, api, metrics, key);
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + api.port() + path);
  }

  @Override
  public void close() throws IOException {
    api.close();
    attune.close(); // closes the store
    if (ownsDir) {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
