package dev.attune.server.cli;

import dev.attune.core.Attune;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.TenantId;
import dev.attune.server.ServerConfig;
import dev.attune.server.ServerEngine;
import dev.attune.server.Stores;
import dev.attune.server.http.HttpApi;
import dev.attune.server.http.Keys;
import dev.attune.server.http.ServerMetrics;
import dev.attune.store.jdbc.JdbcStore;
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
      names = "--store",
      paramLabel = "URL",
      description =
          "jdbc:postgresql://host:port/database for several nodes (env ATTUNE_STORE_URL);"
              + " default SQLite in --data.")
  String store;

  @Option(
      names = "--encryption",
      paramLabel = "on|off",
      description = "Encrypt users' text at rest (default on; env ATTUNE_ENCRYPTION).")
  String encryption;

  @Option(
      names = "--master-key-file",
      paramLabel = "FILE",
      description =
          "The master key (default master.key in --data, created on first start; or set"
              + " ATTUNE_MASTER_KEY).")
  String masterKeyFile;

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

  @Option(
      names = "--llm-provider",
      paramLabel = "NAME",
      description = "Chat model for extraction: none (default, offline), openai, anthropic.")
  String llmProvider;

  @Option(
      names = "--llm-base-url",
      paramLabel = "URL",
      description = "API root, e.g. http://localhost:11434/v1 (default: the provider's).")
  String llmBaseUrl;

  @Option(names = "--llm-model", paramLabel = "NAME", description = "Model name.")
  String llmModel;

  @Option(
      names = "--llm-timeout-ms",
      paramLabel = "MS",
      description = "Timeout of one model call (default 60000).")
  String llmTimeoutMs;

  @Option(
      names = "--llm-max-attempts",
      paramLabel = "N",
      description = "Calls per batch before it is kept for later (default 3).")
  String llmMaxAttempts;

  @Option(
      names = "--extraction-batch-messages",
      paramLabel = "N",
      description = "Messages per extraction call (default 20).")
  String extractionBatch;

  @Option(
      names = "--extraction-idle-ms",
      paramLabel = "MS",
      description = "Quiet time before a partial batch is extracted (default 30000).")
  String extractionIdleMs;

  @Override
  public Integer call() throws InterruptedException {
    long start = System.nanoTime();
    Map<String, String> flags = new LinkedHashMap<>();
    put(flags, "host", host);
    put(flags, "port", port);
    put(flags, "data", data);
    put(flags, "store", store);
    put(flags, "encryption", encryption);
    put(flags, "master_key_file", masterKeyFile);
    put(flags, "token_encoding", tokenEncoding);
    put(flags, "rate_limit", rateLimit);
    put(flags, "rate_burst", rateBurst);
    put(flags, "max_body_bytes", maxBodyBytes);
    put(flags, "context_timeout_ms", contextTimeoutMs);
    put(flags, "cache_bytes", cacheBytes);
    put(flags, "user_token_ttl_seconds", userTokenTtl);
    put(flags, "observe_wait_ms", observeWaitMs);
    put(flags, "llm_provider", llmProvider);
    put(flags, "llm_base_url", llmBaseUrl);
    put(flags, "llm_model", llmModel);
    put(flags, "llm_timeout_ms", llmTimeoutMs);
    put(flags, "llm_max_attempts", llmMaxAttempts);
    put(flags, "extraction_batch_messages", extractionBatch);
    put(flags, "extraction_idle_ms", extractionIdleMs);
    ServerConfig cfg = ServerConfig.resolve(flags, System.getenv(), config);

    var out = spec.commandLine().getOut();
    JdbcStore store = Stores.open(cfg, Stores.Keys.CREATE_FOR_NEW_STORE, out);
    ServerMetrics metrics = new ServerMetrics();
    Attune attune = ServerEngine.build(cfg, store, metrics, null);
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
    out.println(
        cfg.llm().enabled()
            ? "Learning with "
                + cfg.llm()
                + ", in batches of "
                + cfg.extraction().maxMessages()
                + " messages or after "
                + cfg.extraction().idle().toMillis()
                + " ms of quiet."
            : "Learning offline with the built-in rules (no chat model configured).");
    out.printf(
        "Attune is ready on http://%s:%d (data in %s, started in %d ms). Ctrl-C stops it.%n",
        cfg.host(),
        api.port(),
        cfg.storeUrl() == null ? cfg.dataDir().toAbsolutePath() : store,
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
