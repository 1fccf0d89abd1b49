package dev.attune.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.attune.api.Json;
import dev.attune.core.Attune;
import dev.attune.core.api.ContextRequest;
import dev.attune.core.model.TenantId;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./attune bench proxy}: what the model proxy adds to a chat call. A local upstream answers
 * at once (OpenAI's chat completion, whole or as server-sent events); the same requests go to it
 * directly and through {@code /v1/proxy/openai}, interleaved one by one over the same kind of
 * connection, so the machine's noise falls on both. The overhead of a request is its time through
 * the proxy less the time of its direct twin; reported as percentiles of those differences, for the
 * whole answer and for the first byte of a stream, with a user (context built and injected,
 * exchange observed in the background) and without one (passed through).
 */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    description = "Overhead of the model proxy over calling the upstream directly.")
final class ProxyBench implements Callable<Integer> {
  private static final TenantId TENANT = TenantId.of("bench");
  private static final String REPLY =
      "Try a mushroom risotto: it is quick, filling and fully vegetarian.";

  @Spec CommandSpec spec;

  @Option(names = "--users", defaultValue = "200", description = "Users (default 200).")
  int users;

  @Option(
      names = "--memories",
      defaultValue = "200",
      description = "Memories per user (default 200).")
  int memories;

  @Option(
      names = "--requests",
      defaultValue = "1000",
      description = "Measured request pairs per case (default 1000).")
  int requests;

  @Option(
      names = "--warm-up",
      defaultValue = "300",
      description = "Unmeasured request pairs before each case (default 300).")
  int warmUp;

  @Option(
      names = "--pause-ms",
      defaultValue = "0",
      description =
          "Pause after each pair, milliseconds (default 0: back to back). A chat's next message"
              + " comes seconds later; the pause lets the background learning of an exchange"
              + " finish before the next request, as it would in use.")
  int pauseMs;

  @Option(
      names = "--out",
      defaultValue = "bench-results",
      description = "Where to write proxy.json.")
  Path out;

  /**
   * One case's figures in milliseconds: direct, proxied, the per-pair overhead, and (with a user)
   * the context's own time inside the proxied request (its {@code Server-Timing} header) and the
   * same kind of context built in process between the pairs.
   */
  record Case(
      String name,
      Percentiles direct,
      Percentiles proxied,
      Percentiles overhead,
      Percentiles contextInProxy,
      Percentiles contextInProcess) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter w = spec.commandLine().getOut();
    OptionRanges.of(spec)
        .atLeast("--users", users, 1)
        .atLeast("--memories", memories, 1)
        .atLeast("--requests", requests, 1)
        .atLeast("--warm-up", warmUp, 0)
        .atLeast("--pause-ms", pauseMs, 0);
    SyntheticData synth = new SyntheticData(11);
    w.printf(
        "attune bench proxy: %d users x %d memories, %d pairs per case, java %s, %d cores%n",
        users, memories, requests, Runtime.version(), Runtime.getRuntime().availableProcessors());
    w.flush();
    HttpServer upstream = upstream();
    String upstreamUrl = "http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1";
    Map<String, Case> cases = new LinkedHashMap<>();
    // As bench http: every seeded user's working set fits (2,000 messages each).
    try (LoopbackServer server =
        LoopbackServer.start(
            TENANT,
            users,
            memories,
            synth,
            null,
            Map.of("cache_bytes", Long.toString(6L << 30), "proxy_openai_base_url", upstreamUrl),
            b -> b,
            w)) {
      Attune attune = server.attune;
      String key = server.key;
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .executor(Executors.newVirtualThreadPerTaskExecutor())
              .build();
      URI direct = URI.create(upstreamUrl + "/chat/completions");
      URI proxied = server.uri("/v1/proxy/openai/chat/completions");
      try {
        for (boolean withUser : new boolean[] {true, false}) {
          for (boolean stream : new boolean[] {false, true}) {
            String name =
                (withUser ? "with a user" : "no user (pass-through)")
                    + (stream ? ", streamed: first byte" : ", whole answer");
            run(name, attune, client, direct, proxied, key, synth, withUser, stream, warmUp);
            cases.put(
                name,
                run(name, attune, client, direct, proxied, key, synth, withUser, stream, requests));
          }
        }
      } finally {
        upstream.stop(0);
      }
    }
    w.println();
    w.println(
        "| case | direct p50 | direct p95 | proxied p50 | proxied p95 | overhead p50 | overhead p95"
            + " | context in the proxy p50 | context in the proxy p95"
            + " | context alone p50 | context alone p95 |");
    w.println("|---|---|---|---|---|---|---|---|---|---|---|");
    for (Case c : cases.values()) {
      boolean context = c.contextInProcess().count() > 0;
      w.printf(
          "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %s | %s | %s | %s |%n",
          c.name(),
          c.direct().p50Ms(),
          c.direct().p95Ms(),
          c.proxied().p50Ms(),
          c.proxied().p95Ms(),
          c.overhead().p50Ms(),
          c.overhead().p95Ms(),
          context ? String.format("%.2f", c.contextInProxy().p50Ms()) : "-",
          context ? String.format("%.2f", c.contextInProxy().p95Ms()) : "-",
          context ? String.format("%.2f", c.contextInProcess().p50Ms()) : "-",
          context ? String.format("%.2f", c.contextInProcess().p95Ms()) : "-");
    }
    w.println(
        "(milliseconds; overhead = each proxied request less its direct twin; context in the"
            + " proxy = its Server-Timing header; context alone = Attune.context for the same kind"
            + " of request, in process, between the pairs)");
    Case main = cases.values().iterator().next();
    w.printf(
        "target (issue 11): overhead p95 <= 5 ms with a user: [%s] %.2f ms%n",
        main.overhead().p95Ms() <= 5 ? "met" : "MISSED", main.overhead().p95Ms());
    Files.createDirectories(out);
    Map<String, Object> results = new LinkedHashMap<>(cases);
    results.put(
        "config",
        Map.of(
            "users", users,
            "memories", memories,
            "requests", requests,
            "cores", Runtime.getRuntime().availableProcessors()));
    Files.writeString(out.resolve("proxy.json"), Json.writePretty(results));
    w.println("wrote " + out.resolve("proxy.json"));
    return 0;
  }

  /** {@code n} interleaved pairs (direct first, then proxied; the order alternates). */
  private Case run(
      String name,
      Attune attune,
      HttpClient client,
      URI direct,
      URI proxied,
      String key,
      SyntheticData synth,
      boolean withUser,
      boolean stream,
      int n)
      throws IOException, InterruptedException {
    long[] d = new long[n];
    long[] p = new long[n];
    long[] o = new long[n];
    long[] c = new long[withUser ? n : 0];
    long[] x = new long[withUser ? n : 0];
    for (int i = 0; i < n; i++) {
      String query = synth.query();
      String body =
          Json.write(
              Map.of(
                  "model",
                  "gpt-4o-mini",
                  "stream",
                  stream,
                  "messages",
                  java.util.List.of(
                      Map.of("role", "system", "content", "You are a helpful assistant."),
                      Map.of("role", "user", "content", query))));
      HttpRequest.Builder toUpstream = post(direct, body);
      HttpRequest.Builder toProxy = post(proxied, body).header("X-Attune-Key", key);
      if (withUser) {
        toProxy.header("X-Attune-User-Id", Seeder.typical(i % users).value());
      }
      long[] inProxy = new long[1];
      if (i % 2 == 0) {
        d[i] = time(client, toUpstream.build(), stream, null);
        p[i] = time(client, toProxy.build(), stream, inProxy);
      } else {
        p[i] = time(client, toProxy.build(), stream, inProxy);
        d[i] = time(client, toUpstream.build(), stream, null);
      }
      if (withUser) {
        x[i] = inProxy[0];
      }
      o[i] = Math.max(0, p[i] - d[i]);
      if (withUser) {
        // The proxy's context request, in process: same user, a query of the same kind.
        long start = System.nanoTime();
        attune.context(
            ContextRequest.builder(TENANT, Seeder.typical((i + 1) % users))
                .query(synth.query())
                .build());
        c[i] = System.nanoTime() - start;
      }
      if (pauseMs > 0) {
        Thread.sleep(pauseMs);
      }
    }
    return new Case(
        name,
        Percentiles.of(d),
        Percentiles.of(p),
        Percentiles.of(o),
        Percentiles.of(x),
        Percentiles.of(c));
  }

  private static HttpRequest.Builder post(URI uri, String body) {
    return HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer sk-bench")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  /**
   * Nanoseconds to the whole answer, or (streamed) to its first byte; the rest is drained. The
   * proxy's {@code Server-Timing: attune-context;dur=} (milliseconds) goes into {@code context[0]}
   * as nanoseconds.
   */
  private static long time(
      HttpClient client, HttpRequest request, boolean firstByte, long @Nullable [] context)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    HttpResponse<InputStream> r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    if (context != null) {
      r.headers()
          .allValues("Server-Timing")
          .forEach(
              v -> {
                if (v.startsWith("attune-context;dur=")) {
                  context[0] =
                      (long)
                          (Double.parseDouble(v.substring("attune-context;dur=".length())) * 1e6);
                }
              });
    }
    long elapsed;
    try (InputStream in = r.body()) {
      if (firstByte) {
        in.read();
        elapsed = System.nanoTime() - start;
        in.readAllBytes();
      } else {
        in.readAllBytes();
        elapsed = System.nanoTime() - start;
      }
    }
    if (r.statusCode() != 200) {
      throw new IllegalStateException("the bench's request failed: HTTP " + r.statusCode());
    }
    return elapsed;
  }

  /** An OpenAI-compatible upstream that answers at once. */
  private static HttpServer upstream() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/v1/chat/completions", ProxyBench::answer);
    server.start();
    return server;
  }

  private static void answer(HttpExchange exchange) throws IOException {
    byte[] request = exchange.getRequestBody().readAllBytes();
    boolean stream = new String(request, StandardCharsets.UTF_8).contains("\"stream\":true");
    try (OutputStream out = exchange.getResponseBody()) {
      if (stream) {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        for (String word : REPLY.split(" ")) {
          String chunk =
              Json.write(
                  Map.of(
                      "id", "chatcmpl-bench",
                      "object", "chat.completion.chunk",
                      "choices",
                          java.util.List.of(
                              Map.of("index", 0, "delta", Map.of("content", word + " ")))));
          out.write(("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
      } else {
        byte[] body =
            Json.write(
                    Map.of(
                        "id", "chatcmpl-bench",
                        "object", "chat.completion",
                        "choices",
                            java.util.List.of(
                                Map.of(
                                    "index",
                                    0,
                                    "message",
                                    Map.of("role", "assistant", "content", REPLY),
                                    "finish_reason",
                                    "stop"))))
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        out.write(body);
      }
    }
  }
}
