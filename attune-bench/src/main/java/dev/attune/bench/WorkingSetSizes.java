package dev.attune.bench;

import dev.attune.core.Attune;
import dev.attune.core.api.ContextRequest;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.model.Message;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.Embedder;
import dev.attune.core.port.EngineMetrics;
import dev.attune.core.retrieval.RetrievalPolicy;
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
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * A working set's bytes for one user after N messages of real chats, as the cache weighs it (its
 * estimate is held within a quarter of the measured object graph by {@code
 * WorkingSetFootprintTest}). The vectors are made by a seeded stand-in of the default model's size
 * (384 dimensions): a set's bytes depend on how many vectors it holds, not on their values, and the
 * real model would take minutes to embed 5,000 messages.
 */
final class WorkingSetSizes {
  private static final TenantId TENANT = TenantId.of("sizes");

  private WorkingSetSizes() {}

  static Map<Integer, Long> measure(
      RealChats chats, List<Integer> counts, RetrievalPolicy policy, PrintWriter w)
      throws IOException {
    Map<Integer, Long> out = new LinkedHashMap<>();
    List<Integer> sorted = counts.stream().sorted().distinct().toList();
    Path dir = Files.createTempDirectory("attune-sizes");
    LongSupplier[] cached = new LongSupplier[1];
    EngineMetrics metrics =
        new EngineMetrics() {
          @Override
          public void workingSetCache(LongSupplier users, LongSupplier estimatedBytes) {
            cached[0] = estimatedBytes;
          }
        };
    Instant start = Instant.now().minus(Duration.ofDays(30));
    try (Attune attune =
        Attune.builder()
            .store(SqliteStore.open(dir))
            .embedder(new SeededVectors(384))
            .retrievalPolicy(policy)
            .metrics(metrics)
            .build()) {
      UserId user = UserId.of("sized");
      int observed = 0;
      int exchange = 0;
      for (int target : sorted) {
        while (observed < target) {
          List<Message> batch = new ArrayList<>();
          for (int i = 0; i < 5 && observed < target; i++, exchange++) {
            RealChats.Exchange x = chats.exchanges().get(exchange % chats.exchanges().size());
            Instant at = start.plusSeconds(60L * exchange);
            batch.add(new Message(Role.USER, x.user(), "m" + exchange + "u", at, null));
            batch.add(new Message(Role.ASSISTANT, x.assistant(), "m" + exchange + "a", at, null));
            observed += 2;
          }
          attune.observe(
              ObserveRequest.builder(TENANT, user)
                  .sessionId("s" + exchange / 3)
                  .messages(batch)
                  .build());
        }
        attune.context(ContextRequest.builder(TENANT, user).query("what did we discuss").build());
        long bytes = cached[0] == null ? -1 : cached[0].getAsLong();
        out.put(observed, bytes);
        w.printf("working set after %,d messages of real chats: %,d KB%n", observed, bytes >> 10);
        w.flush();
      }
    } finally {
      TempDirs.delete(dir);
    }
    return out;
  }

  /** Unit vectors drawn from a seed taken from the text: the model's shape, not its meaning. */
  private record SeededVectors(int dimensions) implements Embedder {
    @Override
    public String modelId() {
      return "seeded-" + dimensions;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
      List<float[]> out = new ArrayList<>(texts.size());
      for (String text : texts) {
        Random random = new Random(text.hashCode());
        float[] v = new float[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
          v[i] = (float) random.nextGaussian();
          norm += v[i] * v[i];
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dimensions; i++) {
          v[i] *= inv;
        }
        out.add(v);
      }
      return out;
    }
  }
}
