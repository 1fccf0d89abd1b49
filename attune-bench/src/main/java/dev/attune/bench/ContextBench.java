package dev.attune.bench;

import dev.attune.api.Json;
import dev.attune.core.Attune;
import dev.attune.core.ContextPack;
import dev.attune.core.ContextRequest;
import dev.attune.core.model.Message;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./attune bench context}: context latency (warm and cold working sets, with and without a
 * query, a typical and a heavy user) and observe throughput, on the embedded SQLite store with the
 * local embedding model.
 *
 * <p>Stored memories carry random unit vectors tagged with the real model's id: scoring cost does
 * not depend on the values, and embedding 200,000 facts would take minutes. Every query is new text
 * and is embedded by the real model inside the timed call.
 */
@Command(
    name = "context",
    mixinStandardHelpOptions = true,
    description = "Context latency percentiles and observe throughput on the embedded store.")
final class ContextBench implements Callable<Integer> {
  private static final TenantId TENANT = TenantId.of("bench");
  private static final UserId HEAVY = UserId.of("heavy-user");

  @Spec CommandSpec spec;

  @Option(names = "--users", defaultValue = "1000", description = "Typical users (default 1000).")
  int users;

  @Option(
      names = "--memories",
      defaultValue = "200",
      description = "Memories per typical user (default 200).")
  int memories;

  @Option(
      names = "--heavy",
      defaultValue = "10000",
      description = "Memories of the heavy user (default 10000).")
  int heavy;

  @Option(
      names = "--requests",
      defaultValue = "3000",
      description = "Timed requests per case (default 3000).")
  int requests;

  @Option(
      names = "--warmup",
      defaultValue = "1000",
      description = "Untimed warm-up requests (default 1000).")
  int warmup;

  @Option(
      names = "--observe-messages",
      defaultValue = "3000",
      description = "Messages observed for throughput (default 3000).")
  int observeMessages;

  @Option(
      names = "--max-tokens",
      defaultValue = "1000",
      description = "Budget of each request (default 1000).")
  int maxTokens;

  @Option(
      names = "--data",
      description = "Data directory to use (default: a temporary one, deleted after).")
  Path data;

  @Option(
      names = "--out",
      defaultValue = "bench-results",
      description = "Where to write context.json (default bench-results).")
  Path out;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default 42).")
  long seed;

  @Override
  public Integer call() throws IOException {
    PrintWriter w = spec.commandLine().getOut();
    Path dir = data != null ? data : Files.createTempDirectory("attune-bench");
    SyntheticData synth = new SyntheticData(seed);
    Instant start = Instant.parse("2025-01-01T00:00:00Z");
    w.printf(
        "attune bench context: %d users x %d memories + 1 heavy user x %d; %d requests per case%n",
        users, memories, heavy, requests);
    w.printf(
        "java %s, %d cores, max heap %d MiB, data in %s%n",
        Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        dir);
    w.flush();

    seed(dir, synth, start);

    Map<String, Object> results = new LinkedHashMap<>();
    try (Attune attune =
        Attune.builder()
            .dataDir(dir)
            .workingSetCacheBytes(6L << 30)
            .clock(() -> start.plus(Duration.ofDays(30)))
            .episodeRetention(Duration.ZERO)
            .build()) {
      // Warm: every working set loaded, the JIT past its first compilations.
      long loadStart = System.nanoTime();
      for (int u = 0; u < users; u++) {
        attune.context(ContextRequest.builder(TENANT, typical(u)).build());
      }
      attune.context(ContextRequest.builder(TENANT, HEAVY).build());
      w.printf(
          "loaded %d working sets in %.1f s%n", users + 1, (System.nanoTime() - loadStart) / 1e9);
      for (int i = 0; i < warmup; i++) {
        timeContext(attune, typical(synth.random().nextInt(users)), synth.query());
        timeContext(attune, typical(synth.random().nextInt(users)), null);
      }

      Percentiles typicalQuery =
          measure(
              requests,
              () -> timeContext(attune, typical(synth.random().nextInt(users)), synth.query()));
      Percentiles heavyQuery =
          measure(Math.max(200, requests / 3), () -> timeContext(attune, HEAVY, synth.query()));
      Percentiles noQuery =
          measure(
              requests, () -> timeContext(attune, typical(synth.random().nextInt(users)), null));
      Percentiles heavyNoQuery =
          measure(Math.max(200, requests / 3), () -> timeContext(attune, HEAVY, null));
      Percentiles embedOnly =
          measure(
              requests,
              () -> {
                String q = synth.query();
                long t0 = System.nanoTime();
                attune.context(
                    ContextRequest.builder(TENANT, UserId.of("nobody"))
                        .query(q)
                        .maxTokens(maxTokens)
                        .build());
                return System.nanoTime() - t0;
              });
      // Cold: the working set is loaded from SQLite inside the timed call.
      Percentiles cold =
          measure(
              Math.min(users, 500),
              () -> {
                attune.clearCaches();
                return timeContext(attune, typical(synth.random().nextInt(users)), synth.query());
              });

      Observed observed = observe(attune, synth, start);

      w.println();
      w.println(Percentiles.header());
      w.println(typicalQuery.row("typical user, with query (warm)"));
      w.println(heavyQuery.row("heavy user (" + heavy + "), with query"));
      w.println(noQuery.row("typical user, no query (warm)"));
      w.println(heavyNoQuery.row("heavy user, no query"));
      w.println(cold.row("typical user, with query (cold)"));
      w.println(embedOnly.row("unknown user, with query (embed)"));
      w.println(observed.perCall().row("observe, 10 messages per call"));
      w.println();
      w.printf(
          "observe throughput: %.0f messages/s (%d messages, %d per call, heuristic extractor)%n",
          observed.messagesPerSecond(), observed.messages(), 10);
      w.println();
      w.println("targets (issue 2):");
      check(
          w,
          "typical with query p95 <= 5 ms",
          typicalQuery.p95Ms() <= 5,
          typicalQuery.p95Ms() + " ms");
      check(
          w, "heavy with query p95 <= 15 ms", heavyQuery.p95Ms() <= 15, heavyQuery.p95Ms() + " ms");
      check(w, "no query p95 <= 1 ms", noQuery.p95Ms() <= 1, noQuery.p95Ms() + " ms");
      check(
          w,
          "observe >= 300 messages/s",
          observed.messagesPerSecond() >= 300,
          String.format("%.0f messages/s", observed.messagesPerSecond()));

      results.put(
          "config",
          Map.of(
              "users",
              users,
              "memories_per_user",
              memories,
              "heavy_memories",
              heavy,
              "requests",
              requests,
              "max_tokens",
              maxTokens,
              "seed",
              seed,
              "java",
              Runtime.version().toString(),
              "cores",
              Runtime.getRuntime().availableProcessors()));
      results.put("typical_with_query", typicalQuery);
      results.put("heavy_with_query", heavyQuery);
      results.put("typical_no_query", noQuery);
      results.put("heavy_no_query", heavyNoQuery);
      results.put("typical_with_query_cold", cold);
      results.put("unknown_user_with_query", embedOnly);
      results.put("observe_per_call", observed.perCall());
      results.put("observe_messages_per_second", Math.round(observed.messagesPerSecond()));
    } finally {
      if (data == null) {
        deleteTree(dir);
      }
    }
    Files.createDirectories(out);
    Files.writeString(out.resolve("context.json"), Json.writePretty(results));
    w.println("wrote " + out.resolve("context.json"));
    return 0;
  }

  private static void check(PrintWriter w, String target, boolean met, String actual) {
    w.printf("  [%s] %s (measured %s)%n", met ? "met" : "MISSED", target, actual);
  }

  private long timeContext(Attune attune, UserId user, String query) {
    ContextRequest request =
        ContextRequest.builder(TENANT, user).query(query).maxTokens(maxTokens).build();
    long t0 = System.nanoTime();
    ContextPack pack = attune.context(request);
    long elapsed = System.nanoTime() - t0;
    if (pack.tokens() > maxTokens) {
      throw new IllegalStateException("pack over budget: " + pack.tokens());
    }
    return elapsed;
  }

  private interface Timed {
    long run();
  }

  private static Percentiles measure(int n, Timed timed) {
    long[] nanos = new long[n];
    for (int i = 0; i < n; i++) {
      nanos[i] = timed.run();
    }
    return Percentiles.of(nanos);
  }

  private static UserId typical(int i) {
    return Seeder.typical(i);
  }

  private void seed(Path dir, SyntheticData synth, Instant start) {
    Seeder.seed(
        dir, TENANT, users, memories, HEAVY, heavy, synth, start, spec.commandLine().getOut());
  }

  record Observed(int messages, double messagesPerSecond, Percentiles perCall) {}

  private Observed observe(Attune attune, SyntheticData synth, Instant start) {
    int perCall = 10;
    int calls = Math.max(1, observeMessages / perCall);
    long[] nanos = new long[calls];
    long total = 0;
    for (int c = 0; c < calls; c++) {
      UserId user = UserId.of(String.format("observer-%05d", c % 100));
      List<Message> batch = new ArrayList<>(perCall);
      for (int i = 0; i < perCall; i++) {
        Role role = i % 2 == 0 ? Role.USER : Role.ASSISTANT;
        batch.add(
            new Message(
                role, synth.message(), "o" + c + "-" + i, start.plusSeconds(c * 60L + i), null));
      }
      long t0 = System.nanoTime();
      attune.observe(TENANT, user, null, "obs-" + c, batch);
      nanos[c] = System.nanoTime() - t0;
      total += nanos[c];
    }
    int messages = calls * perCall;
    return new Observed(messages, messages / (total / 1e9), Percentiles.of(nanos));
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
