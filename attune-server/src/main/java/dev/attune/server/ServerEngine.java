package dev.attune.server;

import dev.attune.core.Attune;
import dev.attune.core.AttuneBuilder;
import dev.attune.core.port.Embedder;
import dev.attune.core.port.Store;
import dev.attune.core.tokens.TokenCounters;
import dev.attune.models.chat.ChatModels;
import dev.attune.server.http.ServerMetrics;
import dev.attune.server.http.UsageRecorder;
import java.time.InstantSource;
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
}
