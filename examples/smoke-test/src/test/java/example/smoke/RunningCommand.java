package example.smoke;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A command run as a user would in a terminal: the repository's root as working directory, lines
 * typed on its standard input, its output (standard output and errors together) kept for assertions
 * and failure messages. Closing it ends the process and everything it started.
 */
final class RunningCommand implements AutoCloseable {
  private final Process process;
  private final Writer input;
  private final List<String> output = new CopyOnWriteArrayList<>();

  private RunningCommand(Process process) {
    this.process = process;
    this.input = process.outputWriter(StandardCharsets.UTF_8);
    Thread.ofPlatform()
        .daemon()
        .name("output of " + process.pid())
        .start(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  output.add(line);
                }
              } catch (IOException ended) {
                // the process was destroyed
              }
            });
  }

  static RunningCommand start(Path root, Map<String, String> env, List<String> command)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
    builder.redirectErrorStream(true);
    builder.environment().putAll(env);
    return new RunningCommand(builder.start());
  }

  /** Types {@code line} and Enter. */
  void type(String line) throws IOException {
    input.write(line + "\n");
    input.flush();
  }

  /** Waits until a line of output contains {@code text}. */
  void awaitOutput(String text, Duration atMost) {
    await("output containing \"" + text + "\"")
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(100))
        .failFast("the command ended:\n" + output(), () -> !process.isAlive() && !holds(text))
        .until(() -> holds(text));
  }

  private boolean holds(String text) {
    return output.stream().anyMatch(l -> l.contains(text));
  }

  /** Waits for the command to end by itself and returns its exit code. */
  int awaitExit(Duration atMost) throws InterruptedException {
    if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running after " + atMost + ":\n" + output());
    }
    return process.exitValue();
  }

  String output() {
    return String.join("\n", output);
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
