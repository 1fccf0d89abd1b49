package dev.attune.server.cli;

import dev.attune.core.Attune;
import dev.attune.core.model.UserId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "forget", description = "Erase everything held about a user.")
final class ForgetCommand implements Callable<Integer> {
  @Mixin EngineOptions engine;

  @Spec CommandSpec spec;

  @Option(names = "--user", required = true, paramLabel = "U", description = "User id.")
  String user;

  @Override
  public Integer call() {
    try (Attune attune = engine.open()) {
      boolean existed = attune.forget(engine.tenant(), UserId.of(user));
      spec.commandLine()
          .getOut()
          .println(existed ? "forgot user " + user : "nothing was held about user " + user);
    }
    return 0;
  }
}
