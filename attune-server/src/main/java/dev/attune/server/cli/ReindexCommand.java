package dev.attune.server.cli;

import dev.attune.core.Attune;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "reindex",
    description =
        "Re-embed, with the current embedding model, every memory and message of the tenant whose"
            + " vector another model made.")
final class ReindexCommand implements Callable<Integer> {
  @Mixin EngineOptions engine;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (Attune attune = engine.open();
        ProgressBar bar =
            new ProgressBarBuilder()
                .setTaskName("users")
                .setStyle(ProgressBarStyle.ASCII)
                .setInitialMax(-1)
                .build()) {
      long made = attune.reindex(engine.tenant(), done -> bar.stepTo(done));
      bar.close();
      spec.commandLine()
          .getOut()
          .printf(
              "re-embedded %d text(s) of tenant %s with %s%n",
              made, engine.tenant(), attune.embeddingModel());
    }
    return 0;
  }
}
