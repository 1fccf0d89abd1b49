package dev.attune.bench;

import dev.attune.bench.extraction.ExtractionEval;
import dev.attune.bench.locomo.LocomoEval;
import dev.attune.bench.prefeval.PrefEval;
import dev.attune.core.model.AttuneException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./attune bench <what>} and {@code ./attune eval <what>}. */
@Command(
    name = "attune",
    mixinStandardHelpOptions = true,
    subcommands = {BenchCli.Bench.class, BenchCli.Eval.class})
public final class BenchCli {
  @Command(
      name = "bench",
      mixinStandardHelpOptions = true,
      description = "Latency and throughput benchmarks.",
      subcommands = {
        ContextBench.class,
        HttpBench.class,
        ProxyBench.class,
        SoakBench.class,
        TrafficBench.class,
        EmbedderThreadsBench.class,
        EmbedderBench.class
      })
  static final class Bench {}

  @Command(
      name = "eval",
      mixinStandardHelpOptions = true,
      description = "Quality evaluations against public datasets.",
      subcommands = {
        LocomoEval.class,
        PrefEval.class,
        ExtractionEval.class,
        dev.attune.bench.utilization.UtilizationEval.class
      })
  static final class Eval {}

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new BenchCli());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof AttuneException || e instanceof IllegalArgumentException) {
            commandLine.getErr().println("error: " + e.getMessage());
            return 2;
          }
          throw e;
        });
    cli.setErr(new PrintWriter(System.err, true));
    System.exit(cli.execute(args));
  }
}
