package dev.attune.bench;

import dev.attune.api.Json;
import dev.attune.core.Attune;
import dev.attune.core.api.ContextPack;
import dev.attune.core.api.ContextRequest;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.model.Message;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.Store;
import dev.attune.store.jdbc.JdbcStore;
import dev.attune.store.jdbc.MasterKey;
import dev.attune.store.postgres.PostgresStore;
import dev.attune.store.sqlite.SqliteStore;
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
 * query, a typical and a heavy user) and observe throughput with the local embedding model, on
 * SQLite, PostgreSQL or both in one run ({@code --store sqlite,postgres}).
 *
 * <p>Stored memories carry random unit vectors tagged with the real model's id: scoring cost does
 * not depend on the values, and embedding 200,000 facts would take minutes. Every query is new text
 * and is embedded by the real model inside the timed call.
 */
@Command(
    name = "context",
    mixinStandardHelpOptions = true,
    description =
        "Context latency percentiles and observe throughput, on SQLite and/or PostgreSQL.")
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

  @Option(
      names = "--store",
      split = ",",
      defaultValue = "sqlite",
      paramLabel = "STORE",
      description =
          "Stores to measure in this run, comma-separated: sqlite (default), postgres (a throwaway"
              + " PostgreSQL from Maven) or a jdbc:postgresql:// URL.")
  List<String> stores;

  @Option(
      names = "--encrypt",
      description = "Encrypt users' text at rest in every store, as serve does by default.")
  boolean encrypt;

  @Option(
      names = "--records",
      split = ",",
      defaultValue = "on",
      paramLabel = "on|off",
      description =
          "Context records (effectiveness): on (default), off, or on,off to measure both on each"
              + " store, interleaved.")
  List<String> records;

  /** One store's figures. */
  record Run(
      String store,
      Percentiles typicalQuery,
      Percentiles heavyQuery,
      Percentiles noQuery,
      Percentiles heavyNoQuery,
      Percentiles cold,
      Percentiles embedOnly,
      Observed observed) {}

  @Override
  public Integer call() throws IOException {
    PrintWriter w = spec.commandLine().getOut();
    OptionRanges.of(spec)
        .atLeast("--users", users, 1)
        .atLeast("--memories", memories, 1)
        .atLeast("--heavy", heavy, 1)
        .atLeast("--requests", requests, 1)
        .atLeast("--warmup", warmup, 0)
        .atLeast("--observe-messages", observeMessages, 1)
        .atLeast("--max-tokens", maxTokens, 1);
    for (String s : stores) {
      if (!s.equals("sqlite") && !s.equals("postgres") && !s.startsWith("jdbc:postgresql://")) {
        throw new IllegalArgumentException(
            "--store takes sqlite, postgres or a jdbc:postgresql:// URL; got '" + s + "'");
      }
    }
    Path dir = data != null ? data : Files.createTempDirectory("attune-bench");
    Instant start = Instant.parse("2025-01-01T00:00:00Z");
    w.printf(
        "attune bench context: %d users x %d memories + 1 heavy user x %d; %d requests per case;"
            + " stores %s%n",
        users, memories, heavy, requests, stores);
    w.printf(
        "java %s, %d cores, max heap %d MiB%n",
        Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    w.flush();

    List<Run> runs;
    List<Engine> engines = new ArrayList<>();
    List<JdbcStore> shared = new ArrayList<>();
    BenchPostgres embedded = null;
    try {
      for (String name : stores) {
        JdbcStore store;
        String label;
        MasterKey master = encrypt ? MasterKey.generate() : null;
        if (name.equals("sqlite")) {
          store = master == null ? SqliteStore.open(dir) : SqliteStore.open(dir, master);
          label = encrypt ? "SQLite (encrypted)" : "SQLite";
        } else {
          if (embedded == null && name.equals("postgres")) {
            embedded = new BenchPostgres();
          }
          store = PostgresStore.open(name.equals("postgres") ? embedded.url() : name, master);
          label = encrypt ? "PostgreSQL (encrypted)" : "PostgreSQL";
        }
        if (records.size() > 1) {
          shared.add(store);
        }
        seed(store, start, w);
        for (String r : records) {
          if (!r.equals("on") && !r.equals("off")) {
            throw new IllegalArgumentException(
                "--records takes on, off or on,off; got '" + r + "'");
          }
          // Engines over one store share its seeded data; each keeps its own working sets.
          String engineLabel = records.size() > 1 ? label + ", records " + r : label;
          // A store shared by two engines is closed once, after both (each would close it).
          Store view = records.size() > 1 ? SharedStore.notClosedByTheEngine(store) : store;
          engines.add(open(engineLabel, view, r.equals("on"), start, w));
        }
      }
      runs = measureAll(engines, new SyntheticData(seed + 1), start);
    } finally {
      engines.forEach(e -> e.attune().close());
      shared.forEach(JdbcStore::close); // after every engine that used it
      if (embedded != null) {
        embedded.close();
      }
      if (data == null) {
        TempDirs.delete(dir);
      }
    }

    Map<String, Object> results = new LinkedHashMap<>();
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
    for (Run r : runs) {
      w.println();
      w.println(r.store() + ":");
      w.println(Percentiles.header());
      w.println(r.typicalQuery().row("typical user, with query (warm)"));
      w.println(r.heavyQuery().row("heavy user (" + heavy + "), with query"));
      w.println(r.noQuery().row("typical user, no query (warm)"));
      w.println(r.heavyNoQuery().row("heavy user, no query"));
      w.println(r.cold().row("typical user, with query (cold)"));
      w.println(r.embedOnly().row("unknown user, with query (embed)"));
      w.println(r.observed().perCall().row("observe, 10 messages per call"));
      w.printf(
          "observe throughput: %.0f messages/s (%d messages, %d per call, heuristic extractor) of"
              + " one-line synthetic sentences; real chats, with long replies, cost more:"
              + " ./attune bench traffic measures them%n",
          r.observed().messagesPerSecond(), r.observed().messages(), 10);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("typical_with_query", r.typicalQuery());
      m.put("heavy_with_query", r.heavyQuery());
      m.put("typical_no_query", r.noQuery());
      m.put("heavy_no_query", r.heavyNoQuery());
      m.put("typical_with_query_cold", r.cold());
      m.put("unknown_user_with_query", r.embedOnly());
      m.put("observe_per_call", r.observed().perCall());
      m.put("observe_messages_per_second", Math.round(r.observed().messagesPerSecond()));
      results.put(r.store().toLowerCase(java.util.Locale.ROOT), m);
    }
    w.println();
    Run first = runs.get(0);
    if (first.store().startsWith("SQLite")) {
      w.println("targets (issue 2, SQLite):");
      check(
          w,
          "typical with query p95 <= 5 ms",
          first.typicalQuery().p95Ms() <= 5,
          first.typicalQuery().p95Ms() + " ms");
      check(
          w,
          "heavy with query p95 <= 15 ms",
          first.heavyQuery().p95Ms() <= 15,
          first.heavyQuery().p95Ms() + " ms");
      check(
          w, "no query p95 <= 1 ms", first.noQuery().p95Ms() <= 1, first.noQuery().p95Ms() + " ms");
      check(
          w,
          "observe >= 300 messages/s",
          first.observed().messagesPerSecond() >= 300,
          String.format("%.0f messages/s", first.observed().messagesPerSecond()));
    }
    Run sqlite = runs.stream().filter(r -> r.store().startsWith("SQLite")).findFirst().orElse(null);
    Run postgres =
        runs.stream().filter(r -> r.store().startsWith("PostgreSQL")).findFirst().orElse(null);
    if (sqlite != null && postgres != null) {
      double ratio = postgres.typicalQuery().p95Ms() / sqlite.typicalQuery().p95Ms();
      w.println("targets (issue 6, PostgreSQL beside SQLite in this run):");
      check(
          w,
          "warm p95 within 1.2x of SQLite's",
          ratio <= 1.2,
          String.format(
              "%.2f ms vs %.2f ms, %.2fx",
              postgres.typicalQuery().p95Ms(), sqlite.typicalQuery().p95Ms(), ratio));
      check(
          w,
          "cold p95 <= 20 ms for a user with " + memories + " memories",
          postgres.cold().p95Ms() <= 20,
          String.format(
              "%.2f ms (SQLite %.2f ms)", postgres.cold().p95Ms(), sqlite.cold().p95Ms()));
      results.put("postgres_vs_sqlite_warm_p95_ratio", Math.round(ratio * 100) / 100.0);
    }
    Run on = runs.stream().filter(r -> r.store().endsWith("records on")).findFirst().orElse(null);
    Run off = runs.stream().filter(r -> r.store().endsWith("records off")).findFirst().orElse(null);
    if (on != null && off != null) {
      double ratio = on.typicalQuery().p95Ms() / off.typicalQuery().p95Ms();
      w.println("targets (issue 10, context records on beside off in this run):");
      check(
          w,
          "warm p95 with records within noise of without (<= 1.1x)",
          ratio <= 1.1,
          String.format(
              "%.2f ms vs %.2f ms, %.2fx",
              on.typicalQuery().p95Ms(), off.typicalQuery().p95Ms(), ratio));
      results.put("records_on_vs_off_warm_p95_ratio", Math.round(ratio * 100) / 100.0);
    }
    Files.createDirectories(out);
    Files.writeString(out.resolve("context.json"), Json.writePretty(results));
    w.println("wrote " + out.resolve("context.json"));
    return 0;
  }

  /** A store with its engine, seeded and with every working set loaded. */
  record Engine(String label, Attune attune) {}

  private void seed(JdbcStore store, Instant start, PrintWriter w) {
    w.println("== " + store);
    w.flush();
    // The same seed: every store gets the same data.
    Seeder.seed(
        store,
        store.toString(),
        TENANT,
        users,
        memories,
        HEAVY,
        heavy,
        new SyntheticData(seed),
        start,
        w);
  }

  private Engine open(
      String label, Store store, boolean contextRecords, Instant start, PrintWriter w) {
    Attune attune =
        Attune.builder()
            .store(store)
            .contextRecords(contextRecords)
            .workingSetCacheBytes(6L << 30)
            .clock(() -> start.plus(Duration.ofDays(30)))
            .episodeRetention(Duration.ZERO)
            .build();
    long loadStart = System.nanoTime();
    for (int u = 0; u < users; u++) {
      attune.context(ContextRequest.builder(TENANT, typical(u)).build());
    }
    attune.context(ContextRequest.builder(TENANT, HEAVY).build());
    w.printf(
        "loaded %d working sets in %.1f s%n", users + 1, (System.nanoTime() - loadStart) / 1e9);
    return new Engine(label, attune);
  }

  /**
   * Every case on every engine, interleaved request by request (same user, same query on each), so
   * the JIT, the machine's noise and the order of the stores weigh on all of them alike.
   */
  private List<Run> measureAll(List<Engine> engines, SyntheticData synth, Instant start) {
    int k = engines.size();
    for (int i = 0; i < warmup; i++) {
      UserId user = typical(synth.random().nextInt(users));
      String query = synth.query();
      for (Engine e : engines) {
        timeContext(e.attune(), user, query);
        timeContext(e.attune(), user, null);
      }
    }
    long[][] typicalQuery = new long[k][requests];
    long[][] noQuery = new long[k][requests];
    long[][] embedOnly = new long[k][requests];
    for (int i = 0; i < requests; i++) {
      UserId user = typical(synth.random().nextInt(users));
      UserId other = typical(synth.random().nextInt(users));
      String query = synth.query();
      String unknownQuery = synth.query();
      for (int e = 0; e < k; e++) {
        Attune attune = engines.get(e).attune();
        typicalQuery[e][i] = timeContext(attune, user, query);
        noQuery[e][i] = timeContext(attune, other, null);
        embedOnly[e][i] = timeContext(attune, UserId.of("nobody"), unknownQuery);
      }
    }
    int heavyN = Math.max(200, requests / 3);
    long[][] heavyQuery = new long[k][heavyN];
    long[][] heavyNoQuery = new long[k][heavyN];
    for (int i = 0; i < heavyN; i++) {
      String query = synth.query();
      for (int e = 0; e < k; e++) {
        heavyQuery[e][i] = timeContext(engines.get(e).attune(), HEAVY, query);
        heavyNoQuery[e][i] = timeContext(engines.get(e).attune(), HEAVY, null);
      }
    }
    // Cold: the working set is loaded from the store inside the timed call.
    int coldN = Math.min(users, 500);
    long[][] cold = new long[k][coldN];
    for (int i = 0; i < coldN; i++) {
      UserId user = typical(synth.random().nextInt(users));
      String query = synth.query();
      for (int e = 0; e < k; e++) {
        engines.get(e).attune().clearCaches();
        cold[e][i] = timeContext(engines.get(e).attune(), user, query);
      }
    }
    List<Run> out = new ArrayList<>();
    for (int e = 0; e < k; e++) {
      Observed observed = observe(engines.get(e).attune(), e, new SyntheticData(seed + 2), start);
      out.add(
          new Run(
              engines.get(e).label(),
              Percentiles.of(typicalQuery[e]),
              Percentiles.of(heavyQuery[e]),
              Percentiles.of(noQuery[e]),
              Percentiles.of(heavyNoQuery[e]),
              Percentiles.of(cold[e]),
              Percentiles.of(embedOnly[e]),
              observed));
    }
    return out;
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

  private static UserId typical(int i) {
    return Seeder.typical(i);
  }

  record Observed(int messages, double messagesPerSecond, Percentiles perCall) {}

  /** {@code engine}: engines sharing a store observe users of their own (new messages each). */
  private Observed observe(Attune attune, int engine, SyntheticData synth, Instant start) {
    int perCall = 10;
    int calls = Math.max(1, observeMessages / perCall);
    long[] nanos = new long[calls];
    long total = 0;
    for (int c = 0; c < calls; c++) {
      UserId user = UserId.of(String.format("observer-%d-%05d", engine, c % 100));
      List<Message> batch = new ArrayList<>(perCall);
      for (int i = 0; i < perCall; i++) {
        Role role = i % 2 == 0 ? Role.USER : Role.ASSISTANT;
        batch.add(
            new Message(
                role, synth.message(), "o" + c + "-" + i, start.plusSeconds(c * 60L + i), null));
      }
      long t0 = System.nanoTime();
      attune.observe(
          ObserveRequest.builder(TENANT, user).sessionId("obs-" + c).messages(batch).build());
      nanos[c] = System.nanoTime() - t0;
      total += nanos[c];
    }
    int messages = calls * perCall;
    return new Observed(messages, messages / (total / 1e9), Percentiles.of(nanos));
  }
}
