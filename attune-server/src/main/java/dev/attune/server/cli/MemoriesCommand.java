package dev.attune.server.cli;

import dev.attune.api.Json;
import dev.attune.core.Attune;
import dev.attune.core.api.MemoryState;
import dev.attune.core.model.Category;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryStatus;
import dev.attune.core.model.UserId;
import dev.attune.core.port.MemoryQuery;
import dev.attune.server.wire.Wire;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "memories", description = "List what Attune remembers about a user.")
final class MemoriesCommand implements Callable<Integer> {
  @Mixin EngineOptions engine;

  @Spec CommandSpec spec;

  @Option(names = "--user", required = true, paramLabel = "U", description = "User id.")
  String user;

  @Option(names = "--all", description = "Include superseded and deleted memories.")
  boolean all;

  @Option(names = "--category", paramLabel = "C", description = "Only this category.")
  String category;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    Set<Category> categories =
        category == null ? Set.of() : Set.of(Category.parse("category", category));
    MemoryQuery query =
        new MemoryQuery(
            all ? EnumSet.allOf(MemoryStatus.class) : EnumSet.of(MemoryStatus.ACTIVE),
            categories,
            0,
            Integer.MAX_VALUE);
    try (Attune attune = engine.open()) {
      List<Memory> memories = attune.memories(engine.tenant(), UserId.of(user), query);
      var out = spec.commandLine().getOut();
      if (json) {
        out.println(Json.writePretty(Wire.memories(memories, attune)));
        return 0;
      }
      if (memories.isEmpty()) {
        out.println("no memories for user " + user);
      }
      for (Memory m : memories) {
        MemoryState state = attune.state(m);
        out.printf(
            "%-36s %-10s %-19s %.2f  %s%s%n",
            m.id(),
            state.dormant() ? "dormant" : m.status().wireName(),
            m.category().wireName(),
            state.effectiveConfidence(),
            m.text(),
            m.pinned() ? " (pinned)" : "");
      }
    }
    return 0;
  }
}
