package dev.attune.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.api.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class StdioLinesTest {
  static final String INIT =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}";
  static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"tools/list\"}";

  @Test
  void linesThatAreNotOneMessageAreAnsweredAndTheRestPassOn() throws Exception {
    // The SDK's stdio transport stopped reading at the first of these: nothing after it was
    // answered, the valid messages included.
    String input =
        String.join(
            "\n",
            "{",
            "null",
            "[" + INIT + "]",
            "",
            INIT,
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":5}",
            "not json at all",
            LIST);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StdioLines lines =
        new StdioLines(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out);

    String passed = new String(lines.input().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(passed).isEqualTo(INIT + "\n" + LIST + "\n");
    List<String> answers = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(answers).hasSize(5);
    assertThat(answers)
        .extracting(a -> Json.MAPPER.readTree(a).path("error").path("code").asInt())
        .containsExactly(-32700, -32600, -32600, -32600, -32700);
    assertThat(Json.MAPPER.readTree(answers.get(3)).path("id").asInt()).isEqualTo(7);
  }

  @Test
  void whatTheSdkWritesGoesOutAWholeLineAtATime() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StdioLines lines = new StdioLines(new ByteArrayInputStream(new byte[0]), out);
    OutputStream sdk = lines.output();
    sdk.write("{\"jsonrpc\":".getBytes(StandardCharsets.UTF_8));
    assertThat(out.size()).as("half a line is held back").isZero();
    sdk.write("\"2.0\"}\n".getBytes(StandardCharsets.UTF_8));
    sdk.flush();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"jsonrpc\":\"2.0\"}\n");
  }
}
