package dev.attune.server.cli;

import dev.attune.core.model.TenantId;
import dev.attune.server.TenantArchive;
import dev.attune.store.jdbc.JdbcStore;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./attune export} and {@code ./attune import}: move a tenant between stores. */
final class ArchiveCommands {
  private ArchiveCommands() {}

  private static ProgressBar bar(String task) {
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setStyle(ProgressBarStyle.ASCII)
        .setUnit(" users", 1)
        .setUpdateIntervalMillis(500)
        .build();
  }

  @Command(
      name = "export",
      description =
          "Write everything a tenant holds (users, memories, history, messages, orgs, keys, audit,"
              + " usage) to a JSON Lines file.")
  static final class Export implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store;

    @Option(names = "--tenant", required = true, paramLabel = "T", description = "Tenant.")
    String tenant;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "File to write.")
    Path out;

    @Override
    public Integer call() throws IOException {
      TenantId t = TenantId.of(tenant);
      // Written beside the target, then moved: a failed export leaves no half file.
      Path partial = out.resolveSibling(out.getFileName() + ".partial");
      TenantArchive.Counts counts;
      try (JdbcStore s = store.open();
          Writer w = Files.newBufferedWriter(partial, StandardCharsets.UTF_8);
          ProgressBar bar = bar("export")) {
        counts = TenantArchive.export(s, t, w, bar::stepTo);
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(partial);
        throw e;
      }
      Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING);
      spec.commandLine().getOut().println("exported tenant '" + t + "' to " + out + ": " + counts);
      return 0;
    }
  }

  @Command(
      name = "import",
      description =
          "Load a file written by export into this store (the tenant must hold no users there).")
  static final class Import implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store;

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "Export file.")
    Path file;

    @Override
    public Integer call() throws IOException {
      if (!Files.isRegularFile(file)) {
        throw new dev.attune.core.model.InvalidRequestException(
            "file", "--file " + file + " does not exist or is not a file");
      }
      TenantArchive.Counts counts;
      try (JdbcStore s = store.open();
          ProgressBar bar = bar("import")) {
        counts = TenantArchive.importFile(s, file, bar::stepTo);
      }
      spec.commandLine()
          .getOut()
          .println(
              "imported tenant '"
                  + TenantArchive.tenantOf(file)
                  + "' from "
                  + file
                  + ": "
                  + counts);
      return 0;
    }
  }
}
