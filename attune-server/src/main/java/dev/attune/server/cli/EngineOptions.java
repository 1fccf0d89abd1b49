package dev.attune.server.cli;

import dev.attune.core.Attune;
import dev.attune.core.model.TenantId;
import dev.attune.core.tokens.TokenCounters;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every engine command shares. */
final class EngineOptions {
  @Option(
      names = "--data",
      paramLabel = "DIR",
      defaultValue = "${env:ATTUNE_DATA:-./attune-data}",
      description = "Data directory (env ATTUNE_DATA; default ./attune-data).")
  Path data;

  @Option(
      names = "--tenant",
      paramLabel = "T",
      defaultValue = "${env:ATTUNE_TENANT:-default}",
      description = "Tenant (env ATTUNE_TENANT; default 'default').")
  String tenant;

  @Option(
      names = "--token-encoding",
      paramLabel = "NAME",
      defaultValue = "${env:ATTUNE_TOKEN_ENCODING:-cl100k_base}",
      description = "Tokenizer for budgets: cl100k_base or o200k_base (env ATTUNE_TOKEN_ENCODING).")
  String tokenEncoding;

  TenantId tenant() {
    return TenantId.of(tenant);
  }

  Attune open() {
    return Attune.builder()
        .dataDir(data)
        .tokenCounter(TokenCounters.forEncoding(tokenEncoding))
        .build();
  }
}
