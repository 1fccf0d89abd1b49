package dev.attune.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.attune.api.Json;
import dev.attune.bench.TrafficFigures.Answer;
import dev.attune.bench.TrafficFigures.Phase;
import dev.attune.bench.TrafficFigures.PhaseBuilder;
import dev.attune.bench.TrafficFigures.Saturation;
import dev.attune.core.model.Observation;
import dev.attune.core.model.TenantId;
import dev.attune.core.retrieval.RetrievalPolicy;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
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
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./attune bench traffic}: the real server under the traffic users send. Chats with real
 * message lengths (prefeval-dev's filler conversations and LoCoMo's sessions, read from the paths
 * given) are observed over HTTP at a fixed rate while context requests with new query text arrive
 * at a fixed rate, and the same context load runs alone before and after, in one run. Then what
 * learning costs: throughput at saturation on real chats beside short synthetic sentences, the lag
 * from acceptance to learned, and each stage's milliseconds per message. The working set's bytes
 * per user after such chats are measured by {@link WorkingSetSizes}.
 */
@Command(
    name = "traffic",
    mixinStandardHelpOptions = true,
    description =
        "Context latency with and without a learning load of real chats, learning throughput, lag"
            + " and cost per stage, and working-set bytes per user.")
final class TrafficBench implements Callable<Integer> {
  private static final TenantId TENANT = TenantId.of("bench");

  @Spec CommandSpec spec;

  @Option(
      names = "--prefeval",
      required = true,
      description = "prefeval-dev's directory (its filler chats: filtered_inter_turns.json).")
  Path prefeval;

  @Option(names = "--locomo", required = true, description = "LoCoMo's locomo10.json.")
  Path locomo;

  @Option(names = "--users", defaultValue = "100", description = "Users (default 100).")
  int users;

  @Option(
      names = "--memories",
      defaultValue = "100",
      description = "Memories seeded per user before the load (default 100).")
  int memories;

  @Option(
      names = "--context-rate",
      defaultValue = "50",
      description = "Context requests per second, every query new text (default 50).")
  int contextRate;

  @Option(
      names = "--observe-rate",
      defaultValue = "20",
      description = "Messages observed per second in the learning phase (default 20).")
  int observeRate;

  @Option(
      names = "--warm-up-seconds",
      defaultValue = "10",
      description = "Seconds of both loads before the first phase (default 10).")
  int warmUpSeconds;

  @Option(
      names = "--seconds",
      defaultValue = "30",
      description = "Seconds of each phase: idle, learning, idle again (default 30).")
  int seconds;

  @Option(
      names = "--saturation-messages",
      defaultValue = "600",
      description = "Messages queued at once to measure learning throughput (default 600).")
  int saturationMessages;

  @Option(
      names = "--footprint",
      split = ",",
      defaultValue = "100,1000,5000",
      description =
          "Messages of real chats after which a user's working set is sized (default"
              + " 100,1000,5000; 0 skips).")
  List<Integer> footprint;

  @Option(
      names = "--set",
      paramLabel = "NAME=VALUE",
      description =
          "Experiment: override a retrieval policy value (names as in RetrievalPolicy), e.g."
              + " --set assistantPassages=1000 to embed replies whole, as before the bound.")
  List<String> settings = List.of();

  @Option(
      names = "--out",
      defaultValue = "bench-results",
      description = "Where to write traffic.json.")
  Path out;

  @Override
  public Integer call() throws Exception {
    PrintWriter w = spec.commandLine().getOut();
    OptionRanges.of(spec)
        .atLeast("--users", users, 1)
        .atLeast("--memories", memories, 1)
        .atLeast("--context-rate", contextRate, 1)
        .atLeast("--observe-rate", observeRate, 2)
        .atLeast("--seconds", seconds, 1)
        .atLeast("--warm-up-seconds", warmUpSeconds, 0)
        .atLeast("--saturation-messages", saturationMessages, 2);
    Map<String, String> overrides =
        RecordOverrides.parseFor(settings, List.of(RetrievalPolicy.class));
    RetrievalPolicy policy = RecordOverrides.apply(RetrievalPolicy.defaults(), overrides);
    RealChats chats = RealChats.read(prefeval, locomo);
    double[] mean = chats.meanChars();
    w.printf(
        "attune bench traffic: %d users x %d memories; context %d/s with new query text; real"
            + " chats observed at %d messages/s (%,d exchanges: user turns %.0f characters on"
            + " average, replies %.0f); java %s, %d cores%n",
        users,
        memories,
        contextRate,
        observeRate,
        chats.exchanges().size(),
        mean[0],
        mean[1],
        Runtime.version(),
        Runtime.getRuntime().availableProcessors());
    w.flush();
    Map<String, Object> results = new LinkedHashMap<>();
    List<Phase> phases = new ArrayList<>();
    try (LoopbackServer server =
        LoopbackServer.start(
            TENANT,
            users,
            memories,
            new SyntheticData(29),
            null,
            Map.of(),
            b -> b.retrievalPolicy(policy),
            w)) {
      Load load = new Load(server, chats);
      w.printf("warm-up: %d s of both loads%n", warmUpSeconds);
      w.flush();
      load.run(warmUpSeconds, true, new ArrayList<>());
      load.awaitLearned(Duration.ofMinutes(2));
      List<String> accepted = new ArrayList<>();
      phases.add(load.run(seconds, false, accepted).named("idle"));
      phases.add(load.run(seconds, true, accepted).named("learning real chats"));
      long learningEnded = System.nanoTime();
      load.awaitLearned(Duration.ofMinutes(5));
      double drained = (System.nanoTime() - learningEnded) / 1e9;
      phases.add(load.run(seconds, false, new ArrayList<>()).named("idle again"));
      Percentiles lag = load.lag(accepted);
      w.println();
      w.println(
          "| phase | requests | errors | p50 (ms) | p95 (ms) | p99 (ms) | degraded | empty |");
      w.println("|---|---|---|---|---|---|---|---|");
      for (Phase p : phases) {
        w.printf(
            "| %s | %d | %d | %.2f | %.2f | %.2f | %.1f%% | %.1f%% |%n",
            p.name(),
            p.requests(),
            p.errors(),
            p.p50Ms(),
            p.p95Ms(),
            p.p99Ms(),
            100 * p.degradedShare(),
            100 * p.emptyShare());
      }
      double idleP95 = (phases.get(0).p95Ms() + phases.get(2).p95Ms()) / 2;
      w.printf(
          "context p95 while learning / idle: %.2f / %.2f ms = %.2fx (target <= 1.25x)%n",
          phases.get(1).p95Ms(), idleP95, phases.get(1).p95Ms() / idleP95);
      w.printf(
          "learning lag at %d messages/s (accepted to learned): p50 %.0f ms, p95 %.0f ms (target"
              + " p95 <= 2 s); the queue was empty %.1f s after the phase%n",
          observeRate, lag.p50Ms(), lag.p95Ms(), drained);
      w.flush();
      List<Saturation> saturations = new ArrayList<>();
      saturations.add(load.saturate(saturationMessages, false, w));
      saturations.add(load.saturate(saturationMessages, true, w));
      double ratio =
          saturations.get(1).messagesPerSecond() / saturations.get(0).messagesPerSecond();
      w.printf("throughput on real chats / short sentences: %.2fx (target >= 0.6x)%n", ratio);
      results.put("phases", phases);
      results.put("idle_p95_ms", idleP95);
      results.put("learning_over_idle_p95", phases.get(1).p95Ms() / idleP95);
      results.put("learning_lag", Map.of("p50_ms", lag.p50Ms(), "p95_ms", lag.p95Ms()));
      results.put("saturation", saturations);
      results.put("real_over_short_throughput", ratio);
    }
    if (!footprint.contains(0)) {
      results.put(
          "working_set_bytes_per_user", WorkingSetSizes.measure(chats, footprint, policy, w));
    }
    results.put(
        "config",
        Map.of(
            "users",
            users,
            "memories",
            memories,
            "context_rate",
            contextRate,
            "observe_rate",
            observeRate,
            "seconds",
            seconds));
    Files.createDirectories(out);
    Files.writeString(out.resolve("traffic.json"), Json.writePretty(results));
    w.println("wrote " + out.resolve("traffic.json"));
    return 0;
  }

  /** The two loads over HTTP against one server. */
  private final class Load {
    private final LoopbackServer server;
    private final RealChats chats;
    private final HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    private final AtomicInteger nextQuery = new AtomicInteger();
    private final AtomicInteger nextExchange = new AtomicInteger();

    Load(LoopbackServer server, RealChats chats) {
      this.server = server;
      this.chats = chats;
    }

    /**
     * Context requests at the fixed rate for {@code secs} (latency from when each fell due), with
     * real chats observed at the observe rate beside them when {@code learning}; the ids of the
     * observations accepted go to {@code accepted}.
     */
    PhaseBuilder run(int secs, boolean learning, List<String> accepted)
        throws InterruptedException {
      ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
      List<java.util.concurrent.CompletableFuture<?>> pending = new ArrayList<>();
      long start = System.nanoTime();
      long end = start + Duration.ofSeconds(secs).toNanos();
      long contextEvery = 1_000_000_000L / contextRate;
      long observeEvery = 2_000_000_000L / observeRate; // an exchange is two messages
      long nextContext = start;
      long nextObserve = learning ? start + observeEvery / 2 : Long.MAX_VALUE;
      int seq = 0;
      while (Math.min(nextContext, nextObserve) < end) {
        long due = Math.min(nextContext, nextObserve);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        if (due == nextContext) {
          long dueAt = due;
          pending.add(
              http.sendAsync(contextRequest(seq++), HttpResponse.BodyHandlers.ofString())
                  .whenComplete((r, e) -> answers.add(answer(r, e, System.nanoTime() - dueAt))));
          nextContext += contextEvery;
        } else {
          pending.add(
              http.sendAsync(
                      observeRequest(seq++, chats.exchanges()),
                      HttpResponse.BodyHandlers.ofString())
                  .thenAccept(
                      r ->
                          idOf(r)
                              .ifPresent(
                                  id -> {
                                    synchronized (accepted) {
                                      accepted.add(id);
                                    }
                                  })));
          nextObserve += observeEvery;
        }
      }
      for (var f : pending) {
        try {
          f.get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
          // counted as an error in its answer
        }
      }
      return new PhaseBuilder(new ArrayList<>(answers));
    }

    private Answer answer(HttpResponse<String> r, Throwable e, long nanos) {
      if (e != null || r.statusCode() != 200) {
        return new Answer(nanos, false, false, false);
      }
      Map<String, Object> body = Json.readObject(r.body(), "context");
      boolean degraded = Boolean.TRUE.equals(body.get("degraded"));
      boolean empty = ((Number) body.getOrDefault("tokens", 0)).intValue() == 0;
      return new Answer(nanos, true, degraded, empty);
    }

    private HttpRequest contextRequest(int seq) {
      int q = nextQuery.getAndIncrement();
      String query = chats.queries().get(q % chats.queries().size());
      if (q >= chats.queries().size()) {
        query = query + " (" + q / chats.queries().size() + ")"; // still new text on a second lap
      }
      return post(
          "/v1/context",
          Map.of(
              "user_id", Seeder.typical(seq % users).value(), "query", query, "max_tokens", 1000));
    }

    private HttpRequest observeRequest(int seq, List<RealChats.Exchange> from) {
      int n = nextExchange.getAndIncrement();
      RealChats.Exchange x = from.get(n % from.size());
      int user = n % users;
      return post(
          "/v1/observe",
          Map.of(
              "user_id",
              Seeder.typical(user).value(),
              "session_id",
              "traffic-" + user + "-" + (n / users / 3),
              "messages",
              List.of(
                  Map.of("role", "user", "content", x.user(), "id", "t" + n + "u"),
                  Map.of("role", "assistant", "content", x.assistant(), "id", "t" + n + "a"))));
    }

    private HttpRequest post(String path, Object body) {
      return HttpRequest.newBuilder(server.uri(path))
          .header("Authorization", "Bearer " + server.key)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
          .build();
    }

    private static Optional<String> idOf(HttpResponse<String> r) {
      if (r.statusCode() != 202) {
        return Optional.empty();
      }
      Object id = Json.readObject(r.body(), "observe").get("observation_id");
      return Optional.ofNullable(id == null ? null : id.toString());
    }

    /** Waits until the node has nothing accepted left to learn. */
    void awaitLearned(Duration atMost) throws InterruptedException {
      long deadline = System.nanoTime() + atMost.toNanos();
      while (server.attune.observationBacklog().observations() > 0
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    }

    /** Accepted to learned, from each observation's own record. */
    Percentiles lag(List<String> ids) {
      List<Long> lags = new ArrayList<>();
      for (String id : ids) {
        server
            .attune
            .observation(TENANT, id)
            .filter(o -> o.finishedAt() != null && o.state() == Observation.State.DONE)
            .ifPresent(o -> lags.add(Duration.between(o.receivedAt(), o.finishedAt()).toNanos()));
      }
      return Percentiles.of(lags.stream().mapToLong(Long::longValue).toArray());
    }

    /**
     * Queues {@code messages} messages at once (real chats, or short synthetic sentences) and
     * measures learning from the first acceptance to the queue empty, with the stage timers and the
     * process's CPU over the same span.
     */
    Saturation saturate(int messages, boolean real, PrintWriter w) throws InterruptedException {
      List<RealChats.Exchange> from =
          real ? chats.exchanges() : TrafficFigures.shortSentences(messages / 2);
      awaitLearned(Duration.ofMinutes(5));
      Map<String, Double> stagesBefore = stageTotals();
      long stageMessagesBefore = learnedMessages();
      OperatingSystemMXBean os =
          (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      long chars = 0;
      // Sixteen calls in flight at most: the queue fills as fast as the server accepts, without
      // opening a connection per call.
      java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(16);
      AtomicInteger refused = new AtomicInteger();
      int base = nextExchange.get();
      for (int i = 0; i < messages / 2; i++) {
        RealChats.Exchange x = from.get((base + i) % from.size());
        chars += x.chars();
        inFlight.acquire();
        http.sendAsync(observeRequest(i, from), HttpResponse.BodyHandlers.discarding())
            .whenComplete(
                (r, e) -> {
                  if (e != null || r.statusCode() != 202) {
                    refused.incrementAndGet();
                  }
                  inFlight.release();
                });
      }
      inFlight.acquire(16);
      if (refused.get() > 0) {
        w.printf("  %d observe calls failed or were refused%n", refused.get());
      }
      awaitLearned(Duration.ofMinutes(10));
      double secs = (System.nanoTime() - t0) / 1e9;
      double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6;
      int learned = (int) (learnedMessages() - stageMessagesBefore);
      Map<String, Double> perMessage = new LinkedHashMap<>();
      stageTotals()
          .forEach(
              (stage, ms) ->
                  perMessage.put(stage, (ms - stagesBefore.get(stage)) / Math.max(1, learned)));
      Saturation s =
          new Saturation(
              real ? "real chats" : "short sentences",
              learned,
              learned / secs,
              chars / secs,
              cpuMs / Math.max(1, learned),
              perMessage);
      w.printf(
          "learning %s at saturation: %d messages in %.1f s = %.1f messages/s, %,.0f characters/s;"
              + " process CPU %.1f ms per message; per stage (ms per message): %s%n",
          s.chats(),
          learned,
          secs,
          s.messagesPerSecond(),
          s.charsPerSecond(),
          s.processCpuMsPerMessage(),
          TrafficFigures.format(perMessage));
      w.flush();
      return s;
    }

    private long learnedMessages() {
      return (long) server.metrics.counter("attune.learning.stage.messages", "store");
    }

    private Map<String, Double> stageTotals() {
      Map<String, Double> m = new LinkedHashMap<>();
      for (String stage : List.of("redaction", "extraction", "embedding", "store")) {
        m.put(stage, server.metrics.timerTotalMs("attune.learning.stage", stage));
      }
      return m;
    }
  }
}
