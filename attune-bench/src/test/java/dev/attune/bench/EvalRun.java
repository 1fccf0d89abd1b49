package dev.attune.bench;

import dev.attune.models.testing.ScriptedModelServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * An evaluation command run in a test: its exit code and what it printed.
 *
 * @param code the exit code
 * @param out standard output
 * @param err standard error
 */
public record EvalRun(int code, String out, String err) {
  /** Runs {@code command} (a picocli command object) with {@code args}. */
  public static EvalRun of(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new EvalRun(code, out.toString(), err.toString());
  }

  /**
   * A configuration file for {@code --llm --config}: {@code model} as the OpenAI-compatible chat
   * model, batches of {@code batchMessages} messages.
   */
  public static Path chatModelConfig(Path dir, ScriptedModelServer model, int batchMessages)
      throws IOException {
    return Files.writeString(
        dir.resolve("attune.properties"),
        "llm_provider=openai\nllm_base_url="
            + model.baseUrl()
            + "\nllm_model=gpt-test\nextraction_batch_messages="
            + batchMessages
            + "\n");
  }
}
