package dev.attune.server.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.attune.api.Json;
import dev.attune.core.model.Limits;
import dev.attune.core.model.Message;
import dev.attune.core.model.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A provider's chat wire format, as much of it as the proxy reads or changes: the user, the
 * conversation, the system prompt, streaming, and the reply. Everything else in a request or a
 * response passes through untouched. Stateless.
 */
public enum WireFormat {
  /** OpenAI's chat completions ({@code POST /chat/completions}), and compatible servers. */
  OPENAI {
    @Override
    public @Nullable String user(ObjectNode body) {
      return text(body.get("user"));
    }

    @Override
    public List<String> credentialHeaders() {
      return List.of("authorization");
    }

    @Override
    public ObjectNode error(int status, String code, String message, @Nullable String field) {
      ObjectNode error = Json.MAPPER.createObjectNode();
      error.put("message", message).put("type", errorType(status)).put("param", field);
      error.put("code", code);
      ObjectNode body = Json.MAPPER.createObjectNode();
      body.set("error", error);
      return body;
    }

    @Override
    public List<Message> conversation(ObjectNode body) {
      List<Message> out = new ArrayList<>();
      for (JsonNode m : array(body.get("messages"))) {
        String role = text(m.get("role"));
        String content = content(m.get("content"));
        if (role != null && content != null && !content.isBlank()) {
          out.add(message(role, content));
        }
      }
      return out;
    }

    @Override
    public void inject(ObjectNode body, String context) {
      JsonNode messages = body.get("messages");
      if (!(messages instanceof ArrayNode list)) {
        return;
      }
      JsonNode first = list.isEmpty() ? null : list.get(0);
      String role = first == null ? null : text(first.get("role"));
      if (first instanceof ObjectNode system
          && ("system".equals(role) || "developer".equals(role))) {
        appendText(system, "content", context);
      } else {
        ObjectNode system = Json.MAPPER.createObjectNode();
        system.put("role", "system");
        system.put("content", context);
        list.insert(0, system);
      }
    }

    @Override
    public String reply(byte[] response, boolean stream) {
      StringBuilder out = new StringBuilder();
      if (stream) {
        for (JsonNode event : events(response)) {
          for (JsonNode choice : array(event.get("choices"))) {
            if (choice.path("index").asInt(0) == 0) {
              String delta = text(choice.path("delta").get("content"));
              if (delta != null) {
                out.append(delta);
              }
            }
          }
        }
        return out.toString();
      }
      JsonNode json = tree(response);
      String text =
          json == null
              ? null
              : content(json.path("choices").path(0).path("message").get("content"));
      return text == null ? "" : text;
    }
  },

  /** Anthropic's messages ({@code POST /v1/messages}). */
  ANTHROPIC {
    @Override
    public List<String> credentialHeaders() {
      return List.of("x-api-key", "authorization");
    }

    @Override
    public ObjectNode error(int status, String code, String message, @Nullable String field) {
      ObjectNode error = Json.MAPPER.createObjectNode();
      error.put("type", errorType(status)).put("message", message);
      ObjectNode body = Json.MAPPER.createObjectNode().put("type", "error");
      body.set("error", error);
      return body;
    }

    @Override
    public @Nullable String user(ObjectNode body) {
      return text(body.path("metadata").get("user_id"));
    }

    @Override
    public List<Message> conversation(ObjectNode body) {
      List<Message> out = new ArrayList<>();
      String system = content(body.get("system"));
      if (system != null && !system.isBlank()) {
        out.add(message("system", system));
      }
      for (JsonNode m : array(body.get("messages"))) {
        String role = text(m.get("role"));
        String content = content(m.get("content"));
        if (role != null && content != null && !content.isBlank()) {
          out.add(message(role, content));
        }
      }
      return out;
    }

    @Override
    public void inject(ObjectNode body, String context) {
      if (body.get("system") == null || body.get("system").isNull()) {
        body.put("system", context);
      } else {
        appendText(body, "system", context);
      }
    }

    @Override
    public String reply(byte[] response, boolean stream) {
      StringBuilder out = new StringBuilder();
      if (stream) {
        for (JsonNode event : events(response)) {
          if ("content_block_delta".equals(text(event.get("type")))
              && "text_delta".equals(text(event.path("delta").get("type")))) {
            String delta = text(event.path("delta").get("text"));
            if (delta != null) {
              out.append(delta);
            }
          }
        }
        return out.toString();
      }
      JsonNode json = tree(response);
      String text = json == null ? null : content(json.get("content"));
      return text == null ? "" : text;
    }
  };

  /** The user the request names in its own fields, or null. */
  public abstract @Nullable String user(ObjectNode body);

  /**
   * The request headers that carry the provider's credential, in the order they are looked at
   * (Anthropic takes an API key in {@code x-api-key} and an OAuth token as a bearer).
   */
  public abstract List<String> credentialHeaders();

  /**
   * An error in this provider's own shape, so that its SDK raises its usual exception: OpenAI's
   * {@code {"error": {"message", "type", "param", "code"}}}, Anthropic's {@code {"type": "error",
   * "error": {"type", "message"}}}.
   */
  public abstract ObjectNode error(int status, String code, String message, @Nullable String field);

  /** The request's messages as text (system included), in order; images and tools left out. */
  public abstract List<Message> conversation(ObjectNode body);

  /** Adds {@code context} to the request's system prompt (creating one when there is none). */
  public abstract void inject(ObjectNode body, String context);

  /** The assistant's reply text in a response body, streamed (server-sent events) or not. */
  public abstract String reply(byte[] response, boolean stream);

  /** True when the request asks for a streamed response. */
  public boolean streaming(ObjectNode body) {
    return body.path("stream").asBoolean(false);
  }

  /** The request's model, or null. */
  public @Nullable String model(ObjectNode body) {
    return text(body.get("model"));
  }

  /** The text of the conversation's last user message, or null when it ends without one. */
  public @Nullable String lastUserText(List<Message> conversation) {
    int i = lastUserIndex(conversation);
    return i < 0 ? null : conversation.get(i).content();
  }

  /**
   * Where the conversation's last user message stands in it, or -1. It stays put while a tool
   * calling round trip appends the assistant's call and the tool's result after it, so an id made
   * from it names the message, not what follows it.
   */
  public int lastUserIndex(List<Message> conversation) {
    for (int i = conversation.size() - 1; i >= 0; i--) {
      if (conversation.get(i).role() == Role.USER) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The model's context window in tokens when the proxy knows the family, else null (the request's
   * budget then stands).
   */
  public static @Nullable Integer contextWindow(@Nullable String model) {
    if (model == null) {
      return null;
    }
    String m = model.toLowerCase(Locale.ROOT);
    if (m.startsWith("claude")) {
      return 200_000;
    }
    if (m.startsWith("gpt-4.1")) {
      return 1_047_576;
    }
    if (m.startsWith("gpt-5")) {
      return 400_000;
    }
    if (m.startsWith("gpt-4o") || m.startsWith("gpt-4-turbo") || m.startsWith("chatgpt-4o")) {
      return 128_000;
    }
    if (m.matches("o[134](-.*)?")) {
      return 200_000;
    }
    if (m.startsWith("gpt-3.5")) {
      return 16_385;
    }
    return null;
  }

  // ---- helpers ----

  /** The error type both providers use for a status (their names agree). */
  static String errorType(int status) {
    return switch (status) {
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      case 503 -> "overloaded_error";
      default -> status >= 500 ? "api_error" : "invalid_request_error";
    };
  }

  private static Message message(String role, String content) {
    Role r =
        switch (role) {
          case "user" -> Role.USER;
          case "assistant" -> Role.ASSISTANT;
          case "tool", "function" -> Role.TOOL;
          default -> Role.SYSTEM;
        };
    String text =
        content.length() > Limits.MAX_MESSAGE_CHARS
            ? content.substring(content.length() - Limits.MAX_MESSAGE_CHARS)
            : content;
    return new Message(r, text, null, null, null);
  }

  /** A string, or the text parts of an array of content blocks joined; null when none. */
  static @Nullable String content(@Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isTextual()) {
      return node.asText();
    }
    if (node.isArray()) {
      StringBuilder out = new StringBuilder();
      for (JsonNode part : node) {
        if ("text".equals(text(part.get("type"))) && part.get("text") != null) {
          if (!out.isEmpty()) {
            out.append('\n');
          }
          out.append(part.get("text").asText());
        }
      }
      return out.isEmpty() ? null : out.toString();
    }
    return null;
  }

  /** Appends a text to a string field, or a text block to an array of blocks. */
  private static void appendText(ObjectNode node, String field, String context) {
    JsonNode current = node.get(field);
    if (current instanceof ArrayNode blocks) {
      ObjectNode block = blocks.addObject();
      block.put("type", "text");
      block.put("text", context);
    } else if (current != null && current.isTextual()) {
      node.put(field, current.asText() + "\n\n" + context);
    } else {
      node.put(field, context);
    }
  }

  private static @Nullable String text(@Nullable JsonNode node) {
    return node == null || node.isNull() || !node.isValueNode() ? null : node.asText();
  }

  private static Iterable<JsonNode> array(@Nullable JsonNode node) {
    return node != null && node.isArray() ? node : List.of();
  }

  private static @Nullable JsonNode tree(byte[] bytes) {
    try {
      return Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      return null;
    }
  }

  /** The JSON payloads of a server-sent event stream's {@code data:} lines. */
  static List<JsonNode> events(byte[] stream) {
    List<JsonNode> out = new ArrayList<>();
    for (String line : new String(stream, StandardCharsets.UTF_8).split("\r?\n")) {
      if (line.startsWith("data:")) {
        String data = line.substring(5).strip();
        if (!data.isEmpty() && !data.equals("[DONE]")) {
          JsonNode node = tree(data.getBytes(StandardCharsets.UTF_8));
          if (node != null) {
            out.add(node);
          }
        }
      }
    }
    return out;
  }
}
