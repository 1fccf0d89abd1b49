package dev.attune.server.cli;

import dev.attune.core.Attune;
import dev.attune.core.model.TenantId;
import dev.attune.core.tokens.TokenCounters;
import dev.attune.server.ServerConfig;
import dev.attune.server.Stores;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options every engine command shares. */
final class EngineOptions {
  @Mixin StoreOptions store;

  @Option(
      names = "--tenant",
      paramLabel = "T",
      defaultValue = "${env:ATTUNE_TENANT:-default}",
      description = "Tenant (env ATTUNE_TENANT; default 'default').")
  String tenant;

  @Option(
      names = "--token-encoding",
      paramLabel = "NAME",
      description = "Tokenizer for budgets: cl100k_base or o200k_base (env ATTUNE_TOKEN_ENCODING).")
  @Nullable String tokenEncoding;

  TenantId tenant() {
    return TenantId.of(tenant);
  }

  /**
   * The engine over the data directory, with the decay and retention settings {@code serve} would
   * use (from the environment or {@code ATTUNE_CONFIG}). One-shot commands run no retention sweep.
   */
  Attune open() {
    ServerConfig cfg =
        store.config(tokenEncoding == null ? Map.of() : Map.of("token_encoding", tokenEncoding));
    return Attune.builder()
        .store(
            Stores.open(
                cfg, Stores.Keys.CREATE_FOR_NEW_STORE, new java.io.PrintWriter(System.err, true)))
        .tokenCounter(TokenCounters.forEncoding(cfg.tokenEncoding()))
        .decayPolicy(cfg.decay())
        .retrievalPolicy(cfg.retrieval())
        .episodeRetention(cfg.episodeRetention())
        .contextRecords(cfg.contextRecords())
        .contextRecordRetention(cfg.contextRecordRetention())
        .retentionSweepEvery(Duration.ZERO)
        .build();
  }
}
