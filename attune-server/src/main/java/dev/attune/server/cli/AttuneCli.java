package dev.attune.server.cli;

import dev.attune.api.JsonInputException;
import dev.attune.core.model.AttuneException;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.NotFoundException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code attune}: the command line. Exit codes: 0 done, 1 failed, 2 bad input, 3 not found. */
@Command(
    name = "attune",
    mixinStandardHelpOptions = true,
    versionProvider = AttuneCli.Version.class,
    description = "Attune: the personalization layer for AI applications.",
    subcommands = {
      KeysCommand.class,
      ObserveCommand.class,
      ContextCommand.class,
      MemoriesCommand.class,
      ForgetCommand.class,
      ReindexCommand.class,
      ArchiveCommands.Export.class,
      ArchiveCommands.Import.class,
      DemoCommand.class,
      ReportCommand.class,
      SimulateCommand.class,
      McpCommand.class,
      EncryptCommand.class,
      CheckCommand.class,
      BackupCommands.Backup.class,
      BackupCommands.Restore.class,
      CommandLine.HelpCommand.class
    })
public final class AttuneCli {
  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs a command line with the given output streams; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new AttuneCli());
    // serve's options come from the settings' declarations, not from annotations.
    cli.addSubcommand("serve", new CommandLine(ServeCommand.spec()));
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter w = commandLine.getErr();
          if (e instanceof InvalidRequestException || e instanceof JsonInputException) {
            w.println("error: " + e.getMessage());
            return 2;
          }
          if (e instanceof NotFoundException missing) {
            w.println("error: " + missing.getMessage());
            return 3;
          }
          if (e instanceof AttuneException | e instanceof IllegalStateException) {
            w.println("error: " + e.getMessage());
            return 1;
          }
          if (e instanceof java.io.IOException io) {
            w.println(
                "error: "
                    + (io instanceof java.nio.file.NoSuchFileException
                        ? "no such file or directory: " + io.getMessage()
                        : io.toString()));
            return 1;
          }
          throw e;
        });
    return cli.execute(args);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = AttuneCli.class.getPackage().getImplementationVersion();
      return new String[] {"attune " + (v == null ? "development build" : v)};
    }
  }
}
