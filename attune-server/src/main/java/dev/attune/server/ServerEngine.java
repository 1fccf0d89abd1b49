package dev.attune.server;

import dev.attune.core.Attune;
import dev.attune.core.AttuneBuilder;
import dev.attune.core.port.Embedder;
import dev.attune.core.port.Store;
import dev.attune.core.tokens.TokenCounters;
import dev.attune.models.chat.ChatModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** The engine {@code serve} runs, built from its configuration. */
public final class ServerEngine {
  private ServerEngine() {}

  /**
   * The engine over {@code store}: budgets with the configured tokenizer, the cache, retention and
   * decay; and, when a chat model is configured, its extractor, judge and summarizer, metered per
   * tenant into {@code metrics} and the store.
   *
   * @param embedder the embedding model; null for the default local one
   */
  public static Attune build(
      ServerConfig cfg, Store store, ServerMetrics metrics, @Nullable Embedder embedder) {
    AttuneBuilder builder =
        Attune.builder()
            .store(store)
            .tokenCounter(TokenCounters.forEncoding(cfg.tokenEncoding()))
            .workingSetCacheBytes(cfg.cacheBytes())
            .episodeRetention(cfg.episodeRetention())
            .contextRecords(cfg.contextRecords())
            .contextRecordRetention(cfg.contextRecordRetention())
            .decayPolicy(cfg.decay())
            .retrievalPolicy(cfg.retrieval())
            .nodeId(nodeId(cfg))
            .metrics(metrics);
    if (embedder != null) {
      builder.embedder(embedder);
    }
    if (cfg.llm().enabled()) {
      ChatModels models =
          new ChatModels(cfg.llm(), new UsageRecorder(metrics, store, InstantSource.system()));
      builder
          .extractor(models.extractor())
          .judge(models.judge())
          .summarizer(models.summarizer())
          .extractionBuffer(cfg.extraction());
    }
    return builder.build();
  }

  /** The name of a SQLite store's single node, kept in its data directory across restarts. */
  public static final String NODE_ID_FILE = "node.id";

  /**
   * This process's name in the work queues: {@code node_id} when set; for SQLite, the one kept in
   * the data directory (created on first start), so that a restarted {@code serve} takes back at
   * once what it had claimed when it stopped; for PostgreSQL, a new one per process (claims of a
   * dead node run out with their 20 s lease; set {@code node_id} to a stable name per node, such as
   * a StatefulSet pod's, to take them back at once).
   */
  static String nodeId(ServerConfig cfg) {
    if (cfg.nodeId() != null) {
      return cfg.nodeId();
    }
    String random = "node_" + UUID.randomUUID().toString().replace("-", "");
    if (cfg.storeUrl() != null) {
      return random;
    }
    Path file = cfg.dataDir().resolve(NODE_ID_FILE);
    try {
      if (Files.exists(file)) {
        String kept = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!kept.isEmpty()) {
          return kept;
        }
      }
      Files.createDirectories(cfg.dataDir());
      Files.writeString(file, random + "\n", StandardCharsets.UTF_8);
      return random;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep this node's id in " + file, e);
    }
  }
}
