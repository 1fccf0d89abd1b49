package dev.attune.bench;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.attune.api.Json;
import dev.attune.bench.HeapProbes.HeapAfterGc;
import dev.attune.bench.HeapProbes.LiveHeap;
import dev.attune.core.model.TenantId;
import dev.attune.server.ServerMetrics;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./attune bench soak}: the real server under a steady mixed load for minutes, to see what
 * drifts. Requests fall due at a fixed rate (latency from when each was due): 80% context, 15%
 * observe, 5% edits, exports and erasures. Every sample period: p50 / p95 of the period, heap after
 * a collection, live threads, open files, and the data directory's size. The server and the load
 * run in one process, as in {@code bench http}.
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description = "A steady mixed load over HTTP for minutes, sampling what drifts.")
final class SoakBench implements Callable<Integer> {
  private static final TenantId TENANT = TenantId.of("bench");

  @Spec CommandSpec spec;

  @Option(names = "--minutes", defaultValue = "10", description = "Minutes of load (default 10).")
  int minutes;

  @Option(
      names = "--rate",
      defaultValue = "200",
      description = "Requests per second (default 200).")
  int rate;

  @Option(names = "--users", defaultValue = "200", description = "Users (default 200).")
  int users;

  @Option(
      names = "--cache-bytes",
      paramLabel = "BYTES",
      description =
          "Memory for cached working sets, as serve's cache_bytes (default serve's, 512 MiB); a"
              + " small one fills early and shows the heap with the cache at its bound.")
  Long cacheBytes;

  @Option(
      names = "--memories",
      defaultValue = "100",
      description = "Memories per seeded user (default 100).")
  int memories;

  @Option(
      names = "--sample-seconds",
      defaultValue = "10",
      description = "Seconds per sample (default 10).")
  int sampleSeconds;

  @Option(
      names = "--out",
      defaultValue = "bench-results",
      description = "Where to write soak.json.")
  Path out;

  @Option(
      names = "--warm-up-seconds",
      defaultValue = "30",
      description = "Seconds of the same load before the first sample (default 30).")
  int warmUpSeconds;

  @Option(
      names = "--mix",
      defaultValue = "80,15,2,2,1",
      split = ",",
      description =
          "Percent of context, observe, add a memory, export, erase (default 80,15,2,2,1; they"
              + " must add up to 100).")
  List<Integer> mix;

  /** One sample period's figures. */
  record Sample(
      int second,
      long requests,
      long errors,
      double p50Ms,
      double p95Ms,
      Map<String, Double> p95MsByKind,
      long heapAfterGcMb,
      long cachedWorkingSetsMb,
      int threads,
      long openFiles,
      long storeMb) {}

  private LiveHeap liveBefore;
  private volatile @Nullable LiveHeap liveWarm;
  private LiveHeap liveAfter;

  /** The kinds of request in the mix, in the order the table shows them. */
  static final List<String> KINDS = List.of("context", "observe", "add", "export", "erase");

  /** One answered request: its kind (an index into {@link #KINDS}) and its latency. */
  record Answered(int kind, long nanos) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter w = spec.commandLine().getOut();
    OptionRanges.of(spec)
        .atLeast("--minutes", minutes, 1)
        .atLeast("--rate", rate, 1)
        .atLeast("--users", users, 1)
        .atLeastIfSet("--cache-bytes", cacheBytes, 1)
        .atLeast("--memories", memories, 1)
        .atLeast("--sample-seconds", sampleSeconds, 1)
        .atLeast("--warm-up-seconds", warmUpSeconds, 0);
    if (mix.size() != KINDS.size()
        || mix.stream().anyMatch(p -> p < 0)
        || mix.stream().mapToInt(Integer::intValue).sum() != 100) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--mix takes "
              + KINDS.size()
              + " percentages ("
              + KINDS
              + ") that add up to 100; got "
              + mix);
    }
    SyntheticData synth = new SyntheticData(13);
    w.printf(
        "attune bench soak: %d min at %d requests/s, %d users x %d memories, java %s, %d cores%n",
        minutes,
        rate,
        users,
        memories,
        Runtime.version(),
        Runtime.getRuntime().availableProcessors());
    w.flush();
    List<Sample> samples;
    // The engine's own retention (90 days), as serve runs it; the seeded messages are older.
    try (LoopbackServer server =
        LoopbackServer.start(
            TENANT,
            users,
            memories,
            synth,
            null,
            cacheBytes == null ? Map.of() : Map.of("cache_bytes", Long.toString(cacheBytes)),
            b -> b.episodeRetention(Duration.ofDays(90)),
            w)) {
      Path dir = server.dir;
      samples = load(server.uri("/"), server.key, synth, dir, server.metrics, w);
      StoreSizes.print(dir, w);
    }
    int perMinute = Math.max(1, 60 / sampleSeconds);
    Sample first = samples.get(Math.min(samples.size() - 1, perMinute - 1));
    Sample last = samples.get(samples.size() - 1);
    double firstP95 =
        samples.stream().limit(perMinute).mapToDouble(Sample::p95Ms).average().orElse(0);
    double lastP95 =
        samples.stream()
            .skip(Math.max(0, samples.size() - perMinute))
            .mapToDouble(Sample::p95Ms)
            .average()
            .orElse(0);
    double drift = firstP95 == 0 ? 0 : (lastP95 - firstP95) / firstP95;
    w.println();
    w.printf(
        "p95, first minute %.2f ms, last minute %.2f ms: drift %+.0f%% (target <= +10%%)%n",
        firstP95, lastP95, 100 * drift);
    Map<String, Double> driftByKind = new LinkedHashMap<>();
    for (String kind : KINDS) {
      double a = minuteP95(samples.subList(0, Math.min(perMinute, samples.size())), kind);
      double b =
          minuteP95(samples.subList(Math.max(0, samples.size() - perMinute), samples.size()), kind);
      double d = a == 0 ? 0 : (b - a) / a;
      driftByKind.put(kind, d);
      w.printf("  %-8s p95 %.2f -> %.2f ms: %+.0f%%%n", kind, a, b, 100 * d);
    }
    w.printf(
        "heap after GC %d -> %d MB (cached working sets %d -> %d MB, the rest %d -> %d MB);"
            + " threads %d -> %d; open files %d -> %d; store %d -> %d MB%n",
        first.heapAfterGcMb(),
        last.heapAfterGcMb(),
        first.cachedWorkingSetsMb(),
        last.cachedWorkingSetsMb(),
        first.heapAfterGcMb() - first.cachedWorkingSetsMb(),
        last.heapAfterGcMb() - last.cachedWorkingSetsMb(),
        first.threads(),
        last.threads(),
        first.openFiles(),
        last.openFiles(),
        first.storeMb(),
        last.storeMb());
    LiveHeap warm = liveWarm != null ? liveWarm : liveBefore;
    w.printf(
        "live heap after a full collection (forced before the load, at the end of the warm-up and"
            + " after the load): %d -> %d -> %d MB; cached working sets %d -> %d -> %d MB; the rest"
            + " %d -> %d -> %d MB%n",
        liveBefore.heapMb(),
        warm.heapMb(),
        liveAfter.heapMb(),
        liveBefore.cachedWorkingSetsMb(),
        warm.cachedWorkingSetsMb(),
        liveAfter.cachedWorkingSetsMb(),
        liveBefore.restMb(),
        warm.restMb(),
        liveAfter.restMb());
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("live_heap_before", liveBefore);
    results.put("live_heap_after_warm_up", warm);
    results.put("live_heap_after", liveAfter);
    results.put("samples", samples);
    results.put("p95_drift", drift);
    results.put("p95_drift_by_kind", driftByKind);
    results.put(
        "config",
        Map.of("minutes", minutes, "rate", rate, "users", users, "memories", memories, "mix", mix));
    Files.createDirectories(out);
    Files.writeString(out.resolve("soak.json"), Json.writePretty(results));
    w.println("wrote " + out.resolve("soak.json"));
    return 0;
  }

  private List<Sample> load(
      URI base, String key, SyntheticData synth, Path dir, ServerMetrics metrics, PrintWriter w)
      throws InterruptedException {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    ConcurrentLinkedQueue<Answered> window = new ConcurrentLinkedQueue<>();
    AtomicLong errors = new AtomicLong();
    List<String> queries = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      queries.add(synth.query());
    }
    long interval = 1_000_000_000L / rate;
    // Sampling starts after the warm-up (JIT, caches); the load runs through it.
    long start = System.nanoTime() + Duration.ofSeconds(warmUpSeconds).toNanos();
    long end = start + Duration.ofMinutes(minutes).toNanos();
    List<Sample> samples = new java.util.concurrent.CopyOnWriteArrayList<>();
    Random random = new Random(17);
    w.println(
        "| second | requests | errors | p50 (ms) | p95 (ms) | context p95 | observe p95 | export p95"
            + " | heap after GC (MB) | cached working sets (MB) | threads | open files | store (MB) |");
    w.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    w.flush();
    // Samples are taken on a thread of their own, and never force a collection: a pause in the
    // load generator, or a forced GC, would be measured as the server's latency.
    liveBefore = LiveHeap.measure(metrics);
    HeapAfterGc heap = HeapAfterGc.watch();
    Thread sampler =
        Thread.ofPlatform()
            .name("soak-sampler")
            .daemon()
            .start(
                () -> {
                  long next = start + Duration.ofSeconds(sampleSeconds).toNanos();
                  try {
                    long warmMeasure = start - Duration.ofSeconds(5).toNanos();
                    if (warmMeasure > System.nanoTime()) {
                      Thread.sleep(Duration.ofNanos(warmMeasure - System.nanoTime()));
                      liveWarm = LiveHeap.measure(metrics);
                    }
                    Thread.sleep(Duration.ofNanos(Math.max(0, start - System.nanoTime())));
                    window.clear();
                    errors.set(0);
                    while (next <= end + 1_000_000L) {
                      Thread.sleep(Duration.ofNanos(Math.max(0, next - System.nanoTime())));
                      Sample s =
                          sample(
                              (int) ((System.nanoTime() - start) / 1_000_000_000L),
                              window,
                              errors,
                              heap,
                              metrics,
                              dir);
                      samples.add(s);
                      print(w, s);
                      next += Duration.ofSeconds(sampleSeconds).toNanos();
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    long due = System.nanoTime();
    long seq = 0;
    while (due < end) {
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      int kind = kind(random.nextInt(100), mix);
      HttpRequest request = request(base, key, random, queries, seq++, kind);
      long dueAt = due;
      http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
          .whenComplete(
              (r, e) -> {
                window.add(new Answered(kind, System.nanoTime() - dueAt));
                if (e != null || r.statusCode() >= 500) {
                  errors.incrementAndGet();
                }
              });
      due += interval;
    }
    sampler.join(Duration.ofSeconds(sampleSeconds + 30));
    heap.close();
    Thread.sleep(2_000); // the last requests answered, the observations of the last seconds learned
    liveAfter = LiveHeap.measure(metrics);
    return new ArrayList<>(samples);
  }

  private static void print(PrintWriter w, Sample s) {
    w.printf(
        "| %d | %d | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %d | %d | %d | %d | %d |%n",
        s.second(),
        s.requests(),
        s.errors(),
        s.p50Ms(),
        s.p95Ms(),
        s.p95MsByKind().getOrDefault("context", 0.0),
        s.p95MsByKind().getOrDefault("observe", 0.0),
        s.p95MsByKind().getOrDefault("export", 0.0),
        s.heapAfterGcMb(),
        s.cachedWorkingSetsMb(),
        s.threads(),
        s.openFiles(),
        s.storeMb());
    w.flush();
  }

  /** The mean over samples of one kind's p95. */
  private static double minuteP95(List<Sample> samples, String kind) {
    return samples.stream()
        .mapToDouble(s -> s.p95MsByKind().getOrDefault(kind, 0.0))
        .average()
        .orElse(0);
  }

  /** The kind of request {@code pick} (0-99) falls on in the mix of percentages. */
  private static int kind(int pick, List<Integer> mix) {
    int upTo = 0;
    for (int k = 0; k < mix.size(); k++) {
      upTo += mix.get(k);
      if (pick < upTo) {
        return k;
      }
    }
    return 0;
  }

  /** The next request of the mix: 80% context, 15% observe, 5% edits, exports and erasures. */
  private HttpRequest request(
      URI base, String key, Random random, List<String> queries, long seq, int kind) {
    String user = Seeder.typical(random.nextInt(users)).value();
    HttpRequest.Builder b =
        HttpRequest.newBuilder()
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json");
    if (kind == 0) {
      return b.uri(base.resolve("/v1/context"))
          .POST(
              HttpRequest.BodyPublishers.ofString(
                  Json.write(
                      Map.of(
                          "user_id",
                          user,
                          "query",
                          queries.get(random.nextInt(queries.size())),
                          "max_tokens",
                          1000))))
          .build();
    }
    if (kind == 1) {
      // One observation in five is for one of 50 users the load creates (and erases: below).
      String observed = seq % 5 == 0 ? "soak-" + (seq / 5 % 50) : user;
      return b.uri(base.resolve("/v1/observe"))
          .POST(
              HttpRequest.BodyPublishers.ofString(
                  Json.write(
                      Map.of(
                          "user_id",
                          observed,
                          "messages",
                          List.of(
                              Map.of(
                                  "role",
                                  "user",
                                  "content",
                                  "I started learning the cello, lesson " + seq + ".",
                                  "id",
                                  "soak-" + seq))))))
          .build();
    }
    if (kind == 2) {
      return b.uri(base.resolve("/v1/users/" + user + "/memories"))
          .POST(
              HttpRequest.BodyPublishers.ofString(
                  Json.write(
                      Map.of("text", "User prefers tea " + seq + ".", "category", "preference"))))
          .build();
    }
    if (kind == 3) {
      return b.uri(base.resolve("/v1/users/" + user + "/export")).GET().build();
    }
    // An erasure of a user the load created, with what it observed of them since (never a seeded
    // one: their memories stay).
    return b.uri(base.resolve("/v1/users/soak-" + (seq % 50))).DELETE().build();
  }

  private Sample sample(
      int second,
      ConcurrentLinkedQueue<Answered> window,
      AtomicLong errors,
      HeapAfterGc heap,
      ServerMetrics metrics,
      Path dir) {
    List<Answered> taken = new ArrayList<>();
    for (Answered a; (a = window.poll()) != null; ) {
      taken.add(a);
    }
    Percentiles p = Percentiles.of(taken.stream().mapToLong(Answered::nanos).toArray());
    Map<String, Double> byKind = new LinkedHashMap<>();
    for (int k = 0; k < KINDS.size(); k++) {
      int kind = k;
      long[] nanos =
          taken.stream().filter(a -> a.kind() == kind).mapToLong(Answered::nanos).toArray();
      if (nanos.length > 0) {
        byKind.put(KINDS.get(k), Percentiles.of(nanos).p95Ms());
      }
    }
    long openFiles =
        ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
            ? unix.getOpenFileDescriptorCount()
            : -1;
    long storeBytes = StoreSizes.bytes(dir);
    return new Sample(
        second,
        taken.size(),
        errors.getAndSet(0),
        p.p50Ms(),
        p.p95Ms(),
        byKind,
        heap.lastMb(),
        // What the heap holds on purpose, and grows as users' data does (bounded by cache_mb).
        (long) metrics.gauge("attune.working.sets.cached.bytes") >> 20,
        ManagementFactory.getThreadMXBean().getThreadCount(),
        openFiles,
        storeBytes >> 20);
  }
}
