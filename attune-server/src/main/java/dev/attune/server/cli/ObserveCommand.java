package dev.attune.server.cli;

import dev.attune.api.Json;
import dev.attune.api.MemoryBody;
import dev.attune.api.ObserveFile;
import dev.attune.core.Attune;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.api.ObserveResult;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.Memory;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.UserId;
import dev.attune.server.wire.Wire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "observe",
    description = {
      "Store a conversation's messages and learn from them.",
      "FILE holds {\"messages\": [{\"role\", \"content\", \"id\"?, \"timestamp\"?, \"name\"?}],"
          + " \"session_id\"?}; '-' reads standard input."
    })
final class ObserveCommand implements Callable<Integer> {
  @Mixin EngineOptions engine;

  @Spec CommandSpec spec;

  @Option(names = "--user", required = true, paramLabel = "U", description = "User id.")
  String user;

  @Option(
      names = "--file",
      required = true,
      paramLabel = "FILE",
      description = "Messages file (JSON).")
  String file;

  @Option(names = "--org", paramLabel = "O", description = "Org the user belongs to.")
  String org;

  @Option(names = "--session", paramLabel = "S", description = "Session id (overrides the file's).")
  String session;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    String text = read(file);
    ObserveFile input = Json.read(text, ObserveFile.class, "file " + file);
    UserId userId = UserId.of(user);
    var messages = Wire.messages("messages", input.messages());
    String sessionId = session != null ? session : input.sessionId();
    try (Attune attune = engine.open()) {
      ObserveResult r =
          attune.observe(
              ObserveRequest.builder(engine.tenant(), userId)
                  .org(org == null ? null : OrgId.of(org))
                  .sessionId(sessionId)
                  .messages(messages)
                  .build());
      var out = spec.commandLine().getOut();
      if (json) {
        out.println(
            Json.writePretty(
                Map.of(
                    "stored", r.stored(),
                    "duplicates", r.duplicates(),
                    "added", views(attune, r.added()),
                    "reinforced", views(attune, r.reinforced()),
                    "superseded", views(attune, r.superseded()))));
      } else {
        out.printf(
            "stored %d message(s)%s; memories: %d added, %d reinforced, %d superseded%n",
            r.stored(),
            r.duplicates() > 0 ? " (" + r.duplicates() + " already stored)" : "",
            r.added().size(),
            r.reinforced().size(),
            r.superseded().size());
        r.added()
            .forEach(m -> out.println("  + " + m.text() + " [" + m.category().wireName() + "]"));
        r.superseded().forEach(m -> out.println("  ~ " + m.text() + " (superseded)"));
      }
    }
    return 0;
  }

  private static List<MemoryBody> views(Attune attune, List<Memory> memories) {
    return Wire.memories(memories, attune);
  }

  static String read(String file) throws IOException {
    if (file.equals("-")) {
      return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Path path = Path.of(file);
    if (!Files.isRegularFile(path)) {
      throw new InvalidRequestException(
          "file", "file " + file + " does not exist or is not a file");
    }
    return Files.readString(path, StandardCharsets.UTF_8);
  }
}
