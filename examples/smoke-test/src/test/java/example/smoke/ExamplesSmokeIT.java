package example.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.attune.models.testing.ScriptedModelServer;
import dev.attune.models.testing.ScriptedModelServer.Received;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every runnable example, run as its README says ({@code ./mvnw -q -pl examples/NAME exec:java},
 * after {@code ./mvnw install -DskipTests}) against a scripted OpenAI-compatible server: the user
 * states something, a few seconds later asks for something that depends on it, and the second
 * request that reaches the model must hold what Attune learned from the first (the memory as Attune
 * phrases it, not the user's own words, which a chat window would carry anyway).
 *
 * <p>Runs with {@code -Dattune.examples.smoke=true} ({@code .ci/run} sets it after installing);
 * without it the test is skipped, since the examples resolve Attune from the local repository.
 */
@EnabledIfSystemProperty(
    named = "attune.examples.smoke",
    matches = "true",
    disabledReason =
        "runs the examples from installed artifacts: ./mvnw install -DskipTests, then"
            + " ./mvnw -pl examples/smoke-test verify -Dattune.examples.smoke=true")
class ExamplesSmokeIT {
  static final String STATEMENT = "I am vegetarian and I am allergic to peanuts.";
  static final String REQUEST = "Any ideas for dinner tonight?";

  /** What Attune learned from the statement, as it renders it in a pack. */
  static final String LEARNED = "User is vegetarian";

  /** "A few seconds apart", as a person types: learning happens after the answer. */
  static final Duration PAUSE = Duration.ofSeconds(3);

  static final Duration START = Duration.ofMinutes(4);

  static final Path ROOT = repositoryRoot();

  ScriptedModelServer model;
  @TempDir Path data;

  @BeforeEach
  void startModel() throws IOException {
    model = new ScriptedModelServer();
    for (int i = 0; i < 20; i++) {
      model.thenOpenAi("Here is an idea: a chickpea curry.");
    }
  }

  @AfterEach
  void stopModel() {
    model.close();
  }

  @Test
  void springBootChat() throws Exception {
    Map<String, String> env =
        Map.of(
            "OPENAI_API_KEY",
            "sk-test",
            "SPRING_AI_OPENAI_BASE_URL",
            model.baseUrl().toString().replaceFirst("/v1$", ""),
            "ATTUNE_USER",
            "ann",
            "ATTUNE_DATA",
            data.toString());
    try (RunningCommand chat = RunningCommand.start(ROOT, env, example("spring-boot-chat"))) {
      chatTwoLines(chat);
    }
  }

  @Test
  void langchain4jChat() throws Exception {
    Map<String, String> env =
        Map.of(
            "OPENAI_API_KEY", "sk-test",
            "OPENAI_BASE_URL", model.baseUrl().toString(),
            "ATTUNE_DATA", data.toString());
    try (RunningCommand chat =
        RunningCommand.start(ROOT, env, example("langchain4j-chat", "-Dexec.args=ann"))) {
      chatTwoLines(chat);
    }
  }

  @Test
  void proxyOpenAiSdk() throws Exception {
    int port = freePort();
    String key;
    try (RunningCommand keys =
        RunningCommand.start(
            ROOT,
            Map.of(),
            List.of(
                "./attune",
                "keys",
                "create",
                "--tenant",
                "example",
                "--role",
                "service",
                "--data",
                data.toString()))) {
      assertThat(keys.awaitExit(START)).as(keys.output()).isZero();
      Matcher m = Pattern.compile("atn_[A-Za-z0-9_-]+").matcher(keys.output());
      assertThat(m.find()).as(keys.output()).isTrue();
      key = m.group();
    }
    Map<String, String> serveEnv =
        Map.of("ATTUNE_PROXY_OPENAI_BASE_URL", model.baseUrl().toString());
    try (RunningCommand serve =
        RunningCommand.start(
            ROOT,
            serveEnv,
            List.of("./attune", "serve", "--data", data.toString(), "--port", "" + port))) {
      serve.awaitOutput("127.0.0.1:" + port, START);
      Map<String, String> env =
          Map.of(
              "OPENAI_API_KEY",
              "sk-test",
              "ATTUNE_API_KEY",
              key,
              "ATTUNE_URL",
              "http://127.0.0.1:" + port);
      runProxyChat(env, STATEMENT);
      Thread.sleep(PAUSE);
      runProxyChat(env, REQUEST);
      assertSecondRequestHoldsWhatTheFirstTaught(serve.output());
    }
  }

  /**
   * {@code mcp-client}'s configurations start {@code ./attune mcp} as written (the stdio entry in
   * {@code mcp-servers.json} and in its README, with the README's placeholders filled in), and the
   * server answers an MCP client's first calls with Attune's tools.
   */
  @Test
  void mcpClientConfigurationsMatchTheCommandLine() throws Exception {
    Path dir = ROOT.resolve("examples/mcp-client");
    List<String> fromFile = stdioCommand(Files.readString(dir.resolve("mcp-servers.json")));
    String readme = Files.readString(dir.resolve("README.md"));
    Matcher block = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertThat(block.find()).as("a JSON block in mcp-client/README.md").isTrue();
    List<String> fromReadme =
        stdioCommand(block.group(1)).stream()
            .map(a -> a.replace("/path/to/attune/attune", "./attune"))
            .map(a -> a.replace("/path/to/attune-data", data.resolve("readme").toString()))
            .toList();
    for (List<String> command : List.of(fromFile, fromReadme)) {
      try (RunningCommand mcp =
          RunningCommand.start(ROOT, Map.of("ATTUNE_DATA", data.toString()), command)) {
        mcp.type(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"smoke\",\"version\":\"1\"}}}");
        mcp.type("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        mcp.type("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        mcp.awaitOutput("\"get_context\"", START);
        assertThat(mcp.output()).as(String.join(" ", command)).contains("\"remember\"");
      }
    }
  }

  /** The command and arguments of the {@code attune} entry of an {@code mcpServers} file. */
  static List<String> stdioCommand(String json) throws IOException {
    var entry = ScriptedModelServer.JSON.readTree(json).path("mcpServers").path("attune");
    assertThat(entry.path("command").isTextual()).as(json).isTrue();
    var command = new java.util.ArrayList<String>();
    command.add(entry.path("command").asText());
    entry.path("args").forEach(a -> command.add(a.asText()));
    return command;
  }

  private void runProxyChat(Map<String, String> env, String message) throws Exception {
    try (RunningCommand chat =
        RunningCommand.start(
            ROOT, env, example("proxy-openai-sdk", "-Dexec.args=ann \"" + message + "\""))) {
      assertThat(chat.awaitExit(START)).as(chat.output()).isZero();
      assertThat(chat.output()).contains("chickpea curry");
    }
  }

  /** The README's session: a statement, a pause, a request that depends on it, an empty line. */
  private void chatTwoLines(RunningCommand chat) throws Exception {
    chat.awaitOutput("Chatting as ann", START);
    chat.type(STATEMENT);
    await().atMost(Duration.ofSeconds(60)).until(() -> model.received.size() >= 1);
    chat.awaitOutput("chickpea curry", Duration.ofSeconds(60));
    Thread.sleep(PAUSE);
    chat.type(REQUEST);
    await().atMost(Duration.ofSeconds(60)).until(() -> model.received.size() >= 2);
    chat.type("");
    assertThat(chat.awaitExit(Duration.ofSeconds(60))).as(chat.output()).isZero();
    assertSecondRequestHoldsWhatTheFirstTaught(chat.output());
  }

  private void assertSecondRequestHoldsWhatTheFirstTaught(String log) {
    List<Received> chats =
        model.received.stream().filter(r -> r.path().endsWith("/chat/completions")).toList();
    assertThat(chats).as(log).hasSizeGreaterThanOrEqualTo(2);
    assertThat(chats.get(0).body()).as("the first request").doesNotContain(LEARNED);
    assertThat(chats.get(chats.size() - 1).body()).as("the second request").contains(LEARNED);
  }

  /** The README's command for an example: {@code ./mvnw -q -pl examples/NAME exec:java ...}. */
  static List<String> example(String name, String... options) {
    List<String> command =
        new java.util.ArrayList<>(List.of("./mvnw", "-q", "-pl", "examples/" + name, "exec:java"));
    command.addAll(List.of(options));
    return command;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no mvnw above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }
}
