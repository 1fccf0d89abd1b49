package dev.attune.bench;

import dev.attune.api.Json;
import dev.attune.models.LocalEmbedder;
import dev.attune.models.LocalModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@code ./attune bench embedders}: what each local embedding model costs where Attune pays for it:
 * embedding a request's query on the context path (every query new text), and embedding observed
 * messages in batches. The models run one after the other in this process, on the same generated
 * texts.
 */
@Command(
    name = "embedders",
    mixinStandardHelpOptions = true,
    description = "Latency of the local embedding models: a query, and a batch of messages.")
public final class EmbedderBench implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--models",
      split = ",",
      defaultValue = "all-minilm-l6-v2-q,all-minilm-l6-v2,bge-small-en-v1.5-q,e5-small-v2-q",
      description = "Model ids, comma-separated (default: all four).")
  List<String> models;

  @Option(
      names = "--queries",
      defaultValue = "1000",
      description = "Queries timed per model (default 1000).")
  int queries;

  @Option(
      names = "--batches",
      defaultValue = "100",
      description = "Batches of 10 messages timed per model (default 100).")
  int batches;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default 42).")
  long seed;

  @Option(
      names = "--out",
      defaultValue = "bench-results/embedders.json",
      description = "Results file (default bench-results/embedders.json).")
  Path out;

  @Override
  public Integer call() throws IOException {
    PrintWriter w = spec.commandLine().getOut();
    if (queries < 10 || batches < 1) {
      throw new IllegalArgumentException("--queries must be >= 10 and --batches >= 1");
    }
    List<LocalModel> chosen = models.stream().map(LocalModel::byId).toList();
    Map<String, Object> results = new LinkedHashMap<>();
    w.println(
        "| model | load (s) | query p50 (ms) | query p95 (ms) | query p99 (ms) |"
            + " 10 messages p50 (ms) | messages/s |");
    w.println("|---|---|---|---|---|---|---|");
    for (LocalModel model : chosen) {
      // The same texts for every model.
      SyntheticData synth = new SyntheticData(seed);
      long loadStart = System.nanoTime();
      LocalEmbedder embedder = LocalEmbedder.create(model);
      embedder.embedQuery("warm up the model");
      double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
      for (int i = 0; i < 50; i++) {
        embedder.embedQuery(synth.query());
      }
      long[] query = new long[queries];
      for (int i = 0; i < queries; i++) {
        String q = synth.query();
        long t = System.nanoTime();
        embedder.embedQuery(q);
        query[i] = System.nanoTime() - t;
      }
      long[] batch = new long[batches];
      long batchTotal = 0;
      for (int i = 0; i < batches; i++) {
        List<String> messages = new ArrayList<>();
        for (int m = 0; m < 10; m++) {
          messages.add(synth.message());
        }
        long t = System.nanoTime();
        embedder.embedAll(messages);
        batch[i] = System.nanoTime() - t;
        batchTotal += batch[i];
      }
      Percentiles q = Percentiles.of(query);
      Percentiles b = Percentiles.of(batch);
      double perSecond = 10.0 * batches / (batchTotal / 1e9);
      w.printf(
          "| %s | %.1f | %.2f | %.2f | %.2f | %.1f | %.0f |%n",
          model.id(), loadSeconds, q.p50Ms(), q.p95Ms(), q.p99Ms(), b.p50Ms(), perSecond);
      w.flush();
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("load_seconds", Math.round(loadSeconds * 10) / 10.0);
      r.put("query", q);
      r.put("batch_of_10", b);
      r.put("messages_per_second", Math.round(perSecond));
      results.put(model.id(), r);
    }
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, Json.writePretty(results));
    w.println("wrote " + out);
    return 0;
  }
}
