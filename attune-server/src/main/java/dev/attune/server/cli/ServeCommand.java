package dev.attune.server.cli;

import dev.attune.core.Attune;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.TenantId;
import dev.attune.core.tokens.TokenCounters;
import dev.attune.server.ServerConfig;
import dev.attune.server.http.HttpApi;
import dev.attune.server.http.Keys;
import dev.attune.server.http.ServerMetrics;
import dev.attune.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "serve",
    description = {
      "Run the HTTP API (v1) on the embedded store.",
      "Each setting comes from its flag, else its ATTUNE_* environment variable, else the"
          + " configuration file (--config, Java properties), else its default; see the README."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Configuration file (env ATTUNE_CONFIG).")
  Path config;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "Interface to listen on (default 127.0.0.1).")
  String host;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "TCP port (default 8080; 0 picks one).")
  String port;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Data directory (default ./attune-data).")
  String data;

  @Option(
      names = "--token-encoding",
      paramLabel = "NAME",
      description = "cl100k_base or o200k_base.")
  String tokenEncoding;

  @Option(
      names = "--rate-limit",
      paramLabel = "N",
      description = "Requests per second per key (default 1000; 0 = off).")
  String rateLimit;

  @Option(names = "--rate-burst", paramLabel = "N", description = "Burst per key (default 2000).")
  String rateBurst;

  @Option(
      names = "--max-body-bytes",
      paramLabel = "N",
      description = "Largest request body (default 16777216).")
  String maxBodyBytes;

  @Option(
      names = "--context-timeout-ms",
      paramLabel = "MS",
      description = "Default context timeout_ms (default 100).")
  String contextTimeoutMs;

  @Option(
      names = "--cache-bytes",
      paramLabel = "N",
      description = "Working-set cache (default 536870912).")
  String cacheBytes;

  @Option(
      names = "--user-token-ttl-seconds",
      paramLabel = "S",
      description = "Default user token lifetime (default 900).")
  String userTokenTtl;

  @Option(
      names = "--observe-wait-ms",
      paramLabel = "MS",
      description = "How long observe?wait=true waits (default 30000).")
  String observeWaitMs;

  @Override
  public Integer call() throws InterruptedException {
    long start = System.nanoTime();
    Map<String, String> flags = new LinkedHashMap<>();
    put(flags, "host", host);
    put(flags, "port", port);
    put(flags, "data", data);
    put(flags, "token_encoding", tokenEncoding);
    put(flags, "rate_limit", rateLimit);
    put(flags, "rate_burst", rateBurst);
    put(flags, "max_body_bytes", maxBodyBytes);
    put(flags, "context_timeout_ms", contextTimeoutMs);
    put(flags, "cache_bytes", cacheBytes);
    put(flags, "user_token_ttl_seconds", userTokenTtl);
    put(flags, "observe_wait_ms", observeWaitMs);
    ServerConfig cfg = ServerConfig.resolve(flags, System.getenv(), config);

    var out = spec.commandLine().getOut();
    SqliteStore store = SqliteStore.open(cfg.dataDir());
    ServerMetrics metrics = new ServerMetrics();
    Attune attune =
        Attune.builder()
            .store(store)
            .tokenCounter(TokenCounters.forEncoding(cfg.tokenEncoding()))
            .workingSetCacheBytes(cfg.cacheBytes())
            .episodeRetention(cfg.episodeRetention())
            .decayPolicy(cfg.decay())
            .metrics(metrics)
            .build();
    attune.warmUp();
    if (!store.anyKeys()) {
      Keys.Minted first =
          new Keys(store, InstantSource.system())
              .create(TenantId.of("default"), KeyRole.ADMIN, "first admin key", null, null);
      out.println(
          "Created the first admin key, for tenant 'default'. It is shown only now: Attune");
      out.println("keeps only its hash. Keep it somewhere safe:");
      out.println();
      out.println("  " + first.secret());
      out.println();
      out.flush();
    }
    HttpApi api = HttpApi.start(cfg, attune, store, metrics, InstantSource.system());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  api.close();
                  attune.close();
                  stopped.countDown();
                },
                "attune-shutdown"));
    out.printf(
        "Attune is ready on http://%s:%d (data in %s, started in %d ms). Ctrl-C stops it.%n",
        cfg.host(),
        api.port(),
        cfg.dataDir().toAbsolutePath(),
        (System.nanoTime() - start) / 1_000_000);
    out.flush();
    stopped.await();
    return 0;
  }

  private static void put(Map<String, String> flags, String key, String value) {
    if (value != null) {
      flags.put(key, value);
    }
  }
}
