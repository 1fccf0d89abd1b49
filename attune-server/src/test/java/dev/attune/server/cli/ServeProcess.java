package dev.attune.server.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;

/** {@code ./attune serve} as a real child process of the test, on a free port. */
record ServeProcess(Process process, int port, Path log) {
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Starts serve with {@code args} (and {@code env} added) and waits until it is ready. */
  static ServeProcess start(Map<String, String> env, String... args) throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path log = Files.createTempFile("attune-serve", ".log");
    log.toFile().deleteOnExit();
    List<String> command = attune("serve", "--port", Integer.toString(port));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    ServeProcess serve = new ServeProcess(builder.start(), port, log);
    Awaitility.await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () -> {
              if (!serve.process().isAlive()) {
                throw new IllegalStateException(
                    "serve exited with " + serve.process().exitValue() + ": " + serve.output());
              }
              return serve.output().stream().anyMatch(l -> l.contains("Attune is ready"));
            });
    return serve;
  }

  /** {@code ./attune ARGS} as this JVM would run it: same java, same class path. */
  private static List<String> attune(String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                AttuneCli.class.getName()));
    command.addAll(List.of(args));
    return command;
  }

  /** What a one-shot command printed, and its exit code. */
  record Done(int code, String output) {}

  /** Runs {@code ./attune ARGS} (a command other than serve) as a child process to its end. */
  static Done run(Map<String, String> env, String... args) throws Exception {
    Path log = Files.createTempFile("attune-cmd", ".log");
    List<String> command = attune(args);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process p = builder.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("./attune " + String.join(" ", args) + " did not end");
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.deleteIfExists(log);
    return new Done(p.exitValue(), output);
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  List<String> output() throws IOException {
    return Files.readAllLines(log, StandardCharsets.UTF_8);
  }

  /** The first admin key, printed once when serve created the store. */
  String adminKey() throws IOException {
    return output().stream()
        .map(String::strip)
        .filter(l -> l.startsWith("atn_"))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no admin key printed: " + log));
  }

  HttpResponse<String> send(String method, String path, String key, @Nullable String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** SIGKILL: no shutdown hook, no flush. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, and waits for the exit. */
  void stop() throws InterruptedException {
    process.destroy();
    process.waitFor(60, TimeUnit.SECONDS);
  }
}
