package dev.attune.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A model provider on localhost that speaks OpenAI's chat completions and Anthropic's messages with
 * fixed replies (whole or streamed as server-sent events, chunk by chunk) and remembers every
 * request it was sent: headers and body. Other modules' tests (the framework integrations) use it
 * as their model server.
 */
public final class ScriptedUpstream implements AutoCloseable {
  /** One request as the upstream saw it. */
  public record Seen(String path, Map<String, List<String>> headers, String body) {
    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }

    public boolean hasHeaderStartingWith(String prefix) {
      return headers.keySet().stream().anyMatch(h -> h.toLowerCase().startsWith(prefix));
    }
  }

  public static final String REPLY = "A vegetarian chickpea curry: no meat, ready in 25 minutes.";

  public final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  public volatile int status = 200;

  /** When above 0, a streamed answer breaks off (the connection drops) after this many events. */
  public volatile int breakOffAfterEvents;

  /** How long the upstream thinks before answering, milliseconds (a slow model). */
  public volatile long delayMillis;

  /** The pause before each event of a streamed answer after the first, milliseconds. */
  public volatile long eventDelayMillis;

  public ScriptedUpstream() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/chat/completions", this::openAi);
    server.createContext("/v1/messages", this::anthropic);
    server.start();
  }

  /** The API root: OpenAI clients call {@code url()/chat/completions}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private String record(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    seen.add(new Seen(ex.getRequestURI().getPath(), Map.copyOf(ex.getRequestHeaders()), body));
    if (delayMillis > 0) {
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return body;
  }

  private void openAi(HttpExchange ex) throws IOException {
    String body = record(ex);
    if (status != 200) {
      send(
          ex,
          status,
          "application/json",
          "{\"error\":{\"message\":\"scripted failure\",\"type\":\"server_error\"}}");
      return;
    }
    if (body.contains("\"stream\":true")) {
      String[] parts = {"A vegetarian chickpea curry", ": no meat, ", "ready in 25 minutes."};
      StringBuilder sse = new StringBuilder();
      for (int i = 0; i < parts.length; i++) {
        sse.append(
                "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,")
            .append("\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{")
            .append(i == 0 ? "\"role\":\"assistant\"," : "")
            .append("\"content\":\"")
            .append(parts[i])
            .append("\"},\"finish_reason\":null}]}\n\n");
      }
      sse.append("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,")
          .append(
              "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n")
          .append("data: [DONE]\n\n");
      send(ex, 200, "text/event-stream", sse.toString(), breakOffAfterEvents);
      return;
    }
    send(
        ex,
        200,
        "application/json",
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-mini\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
            + REPLY
            + "\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":12,\"total_tokens\":22}}");
  }

  private void anthropic(HttpExchange ex) throws IOException {
    String body = record(ex);
    if (body.contains("\"stream\":true")) {
      String sse =
          event(
                  "message_start",
                  "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}")
              + event(
                  "content_block_start",
                  "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
              + event(
                  "content_block_delta",
                  "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"A vegetarian chickpea curry: \"}}")
              + event(
                  "content_block_delta",
                  "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"no meat, ready in 25 minutes.\"}}")
              + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
              + event(
                  "message_delta",
                  "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":12}}")
              + event("message_stop", "{\"type\":\"message_stop\"}");
      send(ex, 200, "text/event-stream", sse);
      return;
    }
    send(
        ex,
        200,
        "application/json",
        "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
            + "\"content\":[{\"type\":\"text\",\"text\":\""
            + REPLY
            + "\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
            + "\"usage\":{\"input_tokens\":10,\"output_tokens\":12}}");
  }

  private static String event(String name, String data) {
    return "event: " + name + "\ndata: " + data + "\n\n";
  }

  private void send(HttpExchange ex, int status, String type, String body) throws IOException {
    send(ex, status, type, body, 0);
  }

  /**
   * Sends {@code body}; an event stream goes out an event at a time, flushed, and breaks off after
   * {@code breakOff} events when that is above 0 (the handler fails and the server drops the
   * connection short of the length it announced).
   */
  private void send(HttpExchange ex, int status, String type, String body, int breakOff)
      throws IOException {
    ex.getResponseHeaders().add("Content-Type", type);
    ex.getResponseHeaders().add("X-Upstream", "scripted");
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    boolean stream = type.equals("text/event-stream");
    // A stream that breaks off promises more bytes than it sends, so that dropping the connection
    // is seen as an answer cut short (a chunked body would be ended cleanly by the server).
    ex.sendResponseHeaders(status, breakOff > 0 ? bytes.length + 1_000 : stream ? 0 : bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      if (!stream) {
        out.write(bytes);
        return;
      }
      int sent = 0;
      for (String chunk : body.split("(?<=\n\n)")) {
        if (breakOff > 0 && sent == breakOff) {
          throw new IOException("scripted: the upstream breaks off its answer");
        }
        if (sent++ > 0 && eventDelayMillis > 0) {
          try {
            Thread.sleep(eventDelayMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
          }
        }
        out.write(chunk.getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
