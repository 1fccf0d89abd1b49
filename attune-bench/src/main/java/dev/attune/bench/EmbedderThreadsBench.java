package dev.attune.bench;

import dev.attune.api.Json;
import dev.attune.core.port.Embedder;
import dev.attune.models.LocalEmbedder;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./attune bench embedder-threads}: a query's embedding idle and beside learning, for the
 * default model as LangChain4j's own class runs it (its ONNX session's default threads, which spin;
 * a batch spread over one thread per core: Attune's embedder before 2026-12-08) and as Attune's
 * {@link LocalEmbedder} runs it (one ONNX thread per call, no spinning; batches on a lane that
 * leaves a core to queries while they are served). Learning is a thread embedding, in a loop, what
 * a real exchange costs: three passages of a long reply and a short question.
 */
@Command(
    name = "embedder-threads",
    mixinStandardHelpOptions = true,
    description = "A query's embedding idle and beside a learning loop, for two ways of threading.")
final class EmbedderThreadsBench implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--queries",
      defaultValue = "300",
      description = "Queries timed per case, one every 10 ms (default 300).")
  int queries;

  @Option(
      names = "--out",
      defaultValue = "bench-results/embedder-threads.json",
      description = "Results file.")
  Path out;

  private static final String REPLY =
      "Certainly! Here are some ideas for a relaxing weekend with friends and family. ".repeat(20);

  @Override
  public Integer call() throws Exception {
    OptionRanges.of(spec).atLeast("--queries", queries, 20);
    PrintWriter w = spec.commandLine().getOut();
    int cores = Runtime.getRuntime().availableProcessors();
    AllMiniLmL6V2QuantizedEmbeddingModel theirs =
        new AllMiniLmL6V2QuantizedEmbeddingModel(Executors.newFixedThreadPool(cores));
    Map<String, Embedder> cases = new LinkedHashMap<>();
    cases.put("LangChain4j's class, default session, pool of " + cores, new Theirs(theirs));
    cases.put("Attune's LocalEmbedder", LocalEmbedder.create());
    w.printf("attune bench embedder-threads: %d queries a case, %d cores%n", queries, cores);
    w.println(
        "| threading | idle p50 / p95 (ms) | beside learning p50 / p95 (ms) | learning batches/s |");
    w.println("|---|---|---|---|");
    Map<String, Object> results = new LinkedHashMap<>();
    for (Map.Entry<String, Embedder> c : cases.entrySet()) {
      Embedder e = c.getValue();
      for (int i = 0; i < 100; i++) {
        e.embedQuery("warm up " + i);
      }
      Percentiles idle = queries(e, "idle");
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong batches = new AtomicLong();
      Thread learning =
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; !stop.get(); i++) {
                      e.embedAll(
                          List.of(
                              REPLY.substring(0, 500) + i,
                              REPLY.substring(500, 1000) + i,
                              REPLY.substring(1000) + i,
                              "And which of those is cheapest? " + i));
                      batches.incrementAndGet();
                    }
                  });
      Thread.sleep(1_000);
      long b0 = batches.get();
      long t0 = System.nanoTime();
      Percentiles busy = queries(e, "busy");
      double perSecond = (batches.get() - b0) / ((System.nanoTime() - t0) / 1e9);
      stop.set(true);
      learning.join();
      w.printf(
          "| %s | %.2f / %.2f | %.2f / %.2f | %.1f |%n",
          c.getKey(), idle.p50Ms(), idle.p95Ms(), busy.p50Ms(), busy.p95Ms(), perSecond);
      w.flush();
      results.put(
          c.getKey(), Map.of("idle", idle, "beside_learning", busy, "batches_per_s", perSecond));
    }
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, Json.writePretty(results));
    w.println("wrote " + out);
    return 0;
  }

  /** One query every 10 ms, each new text, timed. */
  private Percentiles queries(Embedder e, String tag) throws InterruptedException {
    long[] nanos = new long[queries];
    for (int i = 0; i < queries; i++) {
      long t = System.nanoTime();
      e.embedQuery("What should I cook this weekend for friends who are vegetarian? " + tag + i);
      nanos[i] = System.nanoTime() - t;
      Thread.sleep(10);
    }
    return Percentiles.of(nanos);
  }

  /** LangChain4j's class behind the port: a list goes to its pool, one text runs on the caller. */
  private record Theirs(AllMiniLmL6V2QuantizedEmbeddingModel model) implements Embedder {
    @Override
    public String modelId() {
      return "all-minilm-l6-v2-q (LangChain4j's session)";
    }

    @Override
    public int dimensions() {
      return 384;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
      List<float[]> out = new ArrayList<>(texts.size());
      model
          .embedAll(texts.stream().map(TextSegment::from).toList())
          .content()
          .forEach(v -> out.add(v.vector()));
      return out;
    }
  }
}
