package dev.attune.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A bench given a count that makes no sense stops before it starts, naming the option. */
class OptionRangesTest {
  private static String refused(Object command, String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setErr(new PrintWriter(err, true));
    assertThat(cli.execute(args)).isEqualTo(2);
    return err.toString();
  }

  @Test
  void nonsensicalCountsAreRefusedBeforeAnythingRuns() {
    assertThat(refused(new ProxyBench(), "--users", "-3"))
        .contains("--users must be at least 1; got -3")
        .contains("Usage:");
    assertThat(refused(new ProxyBench(), "--requests", "0"))
        .contains("--requests must be at least 1; got 0");
    assertThat(refused(new ProxyBench(), "--pause-ms", "-1"))
        .contains("--pause-ms must be at least 0; got -1");
    assertThat(refused(new SoakBench(), "--minutes", "0"))
        .contains("--minutes must be at least 1; got 0");
    assertThat(refused(new SoakBench(), "--cache-bytes", "-5"))
        .contains("--cache-bytes must be at least 1; got -5");
    assertThat(refused(new ContextBench(), "--max-tokens", "0"))
        .contains("--max-tokens must be at least 1; got 0");
    assertThat(refused(new HttpBench(), "--connections", "0"))
        .contains("--connections must be at least 1; got 0");
  }
}
