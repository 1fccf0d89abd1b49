package dev.attune.server.cli;

import dev.attune.api.Json;
import dev.attune.core.Attune;
import dev.attune.core.api.ContextPack;
import dev.attune.core.api.ContextRequest;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.UserId;
import dev.attune.server.wire.Wire;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "context", description = "Print the context Attune would inject for a request.")
final class ContextCommand implements Callable<Integer> {
  @Mixin EngineOptions engine;

  @Spec CommandSpec spec;

  @Option(names = "--user", required = true, paramLabel = "U", description = "User id.")
  String user;

  @Option(
      names = "--query",
      paramLabel = "Q",
      description = "What the application is about to ask.")
  String query;

  @Option(
      names = "--max-tokens",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Token budget, 1..1000000 (default 1000).")
  int maxTokens;

  @Option(names = "--org", paramLabel = "O", description = "Org (default: the user's).")
  String org;

  @Option(names = "--session", paramLabel = "S", description = "Active session id.")
  String session;

  @Option(names = "--json", description = "Print the JSON pack instead of the Markdown.")
  boolean json;

  @Override
  public Integer call() {
    ContextRequest request =
        ContextRequest.builder(engine.tenant(), UserId.of(user))
            .query(query)
            .maxTokens(maxTokens)
            .org(org == null ? null : OrgId.of(org))
            .sessionId(session)
            .build();
    try (Attune attune = engine.open()) {
      ContextPack pack = attune.context(request);
      var out = spec.commandLine().getOut();
      if (json) {
        out.println(Json.writePretty(Wire.pack(pack)));
      } else {
        out.print(pack.context());
        spec.commandLine().getErr().printf("(%d of %d tokens)%n", pack.tokens(), pack.budget());
      }
    }
    return 0;
  }
}
