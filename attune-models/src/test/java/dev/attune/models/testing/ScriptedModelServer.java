package dev.attune.models.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local HTTP server that speaks the OpenAI chat-completions and Anthropic messages wire formats
 * with scripted replies, in order: valid answers, malformed JSON, errors with headers, slow
 * answers. Records every request. Tests never reach the internet.
 */
public final class ScriptedModelServer implements AutoCloseable {
  public static final ObjectMapper JSON = new ObjectMapper();

  /** One scripted answer. */
  public record Reply(int status, Map<String, String> headers, String body, long delayMillis) {}

  /** One received request. */
  public record Received(String path, Map<String, List<String>> headers, String body) {
    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  private final HttpServer server;
  private final Deque<Reply> script = new ArrayDeque<>();
  public final List<Received> received = new CopyOnWriteArrayList<>();

  public ScriptedModelServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    server.start();
  }

  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
  }

  public synchronized ScriptedModelServer then(Reply reply) {
    script.add(reply);
    return this;
  }

  /** An OpenAI chat completion whose message content is {@code content}. */
  public ScriptedModelServer thenOpenAi(String content) {
    return then(new Reply(200, Map.of(), openAiBody(content), 0));
  }

  /** An Anthropic message that calls {@code tool} with {@code inputJson}. */
  public ScriptedModelServer thenAnthropicTool(String tool, String inputJson) {
    try {
      Map<String, Object> body =
          Map.of(
              "id", "msg_1",
              "type", "message",
              "role", "assistant",
              "model", "claude-test",
              "content",
                  List.of(
                      Map.of(
                          "type",
                          "tool_use",
                          "id",
                          "toolu_1",
                          "name",
                          tool,
                          "input",
                          JSON.readTree(inputJson))),
              "stop_reason", "tool_use",
              "usage", Map.of("input_tokens", 150, "output_tokens", 30));
      return then(new Reply(200, Map.of(), JSON.writeValueAsString(body), 0));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An Anthropic message with text only (the model ignored the tool). */
  public ScriptedModelServer thenAnthropicText(String text) {
    try {
      Map<String, Object> body =
          Map.of(
              "id", "msg_2",
              "type", "message",
              "role", "assistant",
              "model", "claude-test",
              "content", List.of(Map.of("type", "text", "text", text)),
              "stop_reason", "end_turn",
              "usage", Map.of("input_tokens", 150, "output_tokens", 30));
      return then(new Reply(200, Map.of(), JSON.writeValueAsString(body), 0));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public ScriptedModelServer thenStatus(int status, Map<String, String> headers) {
    return then(
        new Reply(status, headers, "{\"error\":{\"message\":\"scripted " + status + "\"}}", 0));
  }

  public ScriptedModelServer thenSlowOpenAi(String content, long delayMillis) {
    return then(new Reply(200, Map.of(), openAiBody(content), delayMillis));
  }

  public static String openAiBody(String content) {
    try {
      return JSON.writeValueAsString(
          Map.of(
              "id",
              "chatcmpl-1",
              "object",
              "chat.completion",
              "created",
              1_700_000_000,
              "model",
              "gpt-test",
              "choices",
              List.of(
                  Map.of(
                      "index",
                      0,
                      "message",
                      Map.of("role", "assistant", "content", content),
                      "finish_reason",
                      "stop")),
              "usage",
              Map.of("prompt_tokens", 120, "completion_tokens", 40, "total_tokens", 160)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    received.add(
        new Received(
            exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body));
    Reply reply;
    synchronized (this) {
      reply = script.poll();
    }
    if (reply == null) {
      reply = new Reply(500, Map.of(), "{\"error\":{\"message\":\"script exhausted\"}}", 0);
    }
    try {
      if (reply.delayMillis() > 0) {
        Thread.sleep(reply.delayMillis());
      }
      byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      exchange.sendResponseHeaders(reply.status(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException clientGone) {
      // the client timed out and hung up: expected in the timeout test
    } finally {
      exchange.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
