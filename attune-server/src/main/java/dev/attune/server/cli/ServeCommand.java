package dev.attune.server.cli;

import dev.attune.core.Attune;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.TenantId;
import dev.attune.server.ServerConfig;
import dev.attune.server.ServerEngine;
import dev.attune.server.ServerMetrics;
import dev.attune.server.Settings;
import dev.attune.server.Stores;
import dev.attune.server.http.HttpApi;
import dev.attune.server.http.Keys;
import dev.attune.store.jdbc.JdbcStore;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
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

  // Every setting's option is made from its declaration in Settings (see options()).

  @Override
  public Integer call() throws InterruptedException {
    long start = System.nanoTime();
    Map<String, String> flags = new LinkedHashMap<>();
    for (Settings.Setting s : Settings.ALL) {
      if (s.flag() != null) {
        OptionSpec option = spec.findOption(s.flag());
        if (option != null && !option.originalStringValues().isEmpty()) {
          flags.put(s.key(), option.getValue());
        }
      }
    }
    ServerConfig cfg = ServerConfig.resolve(flags, System.getenv(), config);

    var out = spec.commandLine().getOut();
    JdbcStore store = Stores.open(cfg, Stores.Keys.CREATE_FOR_NEW_STORE, out);
    ServerMetrics metrics = new ServerMetrics();
    Attune attune = ServerEngine.build(cfg, store, metrics, null);
    attune.warmUp();
    // Before listening: the first requests of recently active users find their sets loaded.
    long warmStart = System.nanoTime();
    int warmed = attune.warmWorkingSets(cfg.warmUsers(), java.time.Duration.ofSeconds(10));
    if (warmed > 0) {
      out.printf(
          "Loaded the working sets of %d recently active users in %d ms.%n",
          warmed, (System.nanoTime() - warmStart) / 1_000_000);
    }
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
    // SIGTERM or Ctrl-C: stop accepting, answer the requests in flight, finish the observation
    // being learned, flush the audit, close the store; exit 0, or 1 past shutdown_timeout_ms.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  var err = spec.commandLine().getErr();
                  Thread watchdog =
                      Thread.ofPlatform()
                          .daemon()
                          .start(
                              () -> {
                                try {
                                  Thread.sleep(cfg.shutdownTimeout().toMillis());
                                  err.println(
                                      "Attune did not stop within shutdown_timeout_ms ("
                                          + cfg.shutdownTimeout().toMillis()
                                          + " ms): exiting anyway.");
                                  err.flush();
                                  Runtime.getRuntime().halt(1);
                                } catch (InterruptedException e) {
                                  // stopped in time
                                }
                              });
                  long began = System.nanoTime();
                  boolean drained = api.shutdown(cfg.shutdownTimeout());
                  attune.close();
                  stopped.countDown();
                  watchdog.interrupt();
                  err.printf(
                      "Attune stopped in %d ms%s.%n",
                      (System.nanoTime() - began) / 1_000_000,
                      drained ? "" : " (some requests were still running)");
                  err.flush();
                  // A signal's default exit status is 128 + its number: a clean stop says 0.
                  Runtime.getRuntime().halt(0);
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
        "Model proxy: /v1/proxy/openai forwards to %s, /v1/proxy/anthropic to %s.%n",
        cfg.proxy().openAiBaseUrl(), cfg.proxy().anthropicBaseUrl());
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

  /** The serve command, with an option for every setting that has a flag. */
  static CommandSpec spec() {
    CommandSpec spec = CommandSpec.forAnnotatedObject(new ServeCommand());
    for (Settings.Setting s : Settings.ALL) {
      if (s.flag() != null) {
        spec.addOption(
            OptionSpec.builder(s.flag())
                .paramLabel(s.key().toUpperCase(java.util.Locale.ROOT))
                .type(String.class)
                .description(s.help())
                .build());
      }
    }
    return spec;
  }
}
