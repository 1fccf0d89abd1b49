package dev.attune.server.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.attune.api.Json;
import org.jspecify.annotations.Nullable;

/**
 * The checks the MCP SDK's transports leave out: is a message one JSON-RPC 2.0 message? The SDK
 * answers a broken one over HTTP with its own exception serialized (stack trace included), and over
 * stdio stops reading altogether, so both transports ask here first.
 */
public final class JsonRpc {
  /** JSON-RPC's code for a message that is not JSON. */
  public static final int PARSE_ERROR = -32700;

  /** JSON-RPC's code for JSON that is not a valid message. */
  public static final int INVALID_REQUEST = -32600;

  /**
   * Attune's code (in JSON-RPC's range for servers) for a call the key may not make: the same
   * verdict REST answers with 403.
   */
  public static final int FORBIDDEN = -32003;

  private JsonRpc() {}

  /**
   * The error to answer {@code message} with, or null when it is one valid JSON-RPC message.
   *
   * @param message the raw message (a line over stdio, a body over HTTP)
   */
  public static byte @Nullable [] refusal(byte[] message) {
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(message);
    } catch (JsonProcessingException e) {
      return error(
          null,
          PARSE_ERROR,
          "Parse error: the message is not JSON (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ")");
    } catch (java.io.IOException e) {
      return error(null, PARSE_ERROR, "Parse error: the message cannot be read");
    }
    String problem = problem(json);
    if (problem == null) {
      return null;
    }
    JsonNode id = json != null && json.isObject() ? json.get("id") : null;
    return error(
        id != null && (id.isTextual() || id.isIntegralNumber()) ? id : null,
        INVALID_REQUEST,
        "Invalid Request: " + problem);
  }

  /** What is wrong with {@code message} as one JSON-RPC 2.0 message, or null if nothing. */
  static @Nullable String problem(@Nullable JsonNode message) {
    if (message == null || message.isMissingNode() || !message.isObject()) {
      return "the message must be one JSON-RPC message, a JSON object (batches are not supported)";
    }
    JsonNode version = message.get("jsonrpc");
    if (version == null || !version.isTextual() || !"2.0".equals(version.asText())) {
      return "jsonrpc must be \"2.0\"";
    }
    JsonNode id = message.get("id");
    if (id != null && !id.isTextual() && !id.isIntegralNumber()) {
      return "id must be a string or an integer";
    }
    JsonNode method = message.get("method");
    if (method != null) {
      if (!method.isTextual() || method.asText().isEmpty()) {
        return "method must be a non-empty string";
      }
      JsonNode params = message.get("params");
      if (params != null && !params.isObject() && !params.isNull()) {
        return "params must be an object";
      }
      return null;
    }
    if (message.has("result") || message.has("error")) {
      return id == null ? "a response needs the id of the request it answers" : null;
    }
    return "a message needs a method (a request or notification), or a result or an error (a"
        + " response)";
  }

  /** A JSON-RPC error object, as bytes. */
  public static byte[] error(@Nullable JsonNode id, int code, String message) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("jsonrpc", "2.0");
    out.set("id", id == null ? JsonNodeFactory.instance.nullNode() : id);
    ObjectNode error = out.putObject("error");
    error.put("code", code);
    error.put("message", message);
    return Json.writeBytes(out);
  }
}
