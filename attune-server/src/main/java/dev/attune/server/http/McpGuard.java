package dev.attune.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.api.Json;
import dev.attune.server.mcp.JsonRpc;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * What the MCP SDK's servlet does not check or answers badly, done before and after it: a POST body
 * must be one JSON-RPC message within the body limit (the SDK answers a broken one with its own
 * exception serialized, stack trace included, or a 500), and every error the SDK writes goes out as
 * a JSON-RPC error object, never as a Java exception.
 */
final class McpGuard {
  private McpGuard() {}

  /**
   * The request with its body read and checked, or null when it was refused (the error answered).
   */
  static @Nullable HttpServletRequest checked(
      HttpServletRequest request,
      HttpServletResponse response,
      long maxBodyBytes,
      Collection<String> tools)
      throws IOException {
    if ("GET".equalsIgnoreCase(request.getMethod())) {
      return new WithoutLastEventId(request);
    }
    if (!"POST".equalsIgnoreCase(request.getMethod())) {
      return request;
    }
    byte[] body =
        request
            .getInputStream()
            .readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
    if (body.length > maxBodyBytes) {
      refuse(
          response,
          413,
          JsonRpc.error(
              null,
              JsonRpc.INVALID_REQUEST,
              "the request body is larger than " + maxBodyBytes + " bytes (max_body_bytes)"));
      return null;
    }
    byte[] refusal = JsonRpc.refusal(body);
    if (refusal != null) {
      refuse(response, 400, refusal);
      return null;
    }
    byte[] unknown = unknownTool(body, tools);
    if (unknown != null) {
      // An answer to the call, not a transport failure: 200, as the SDK answers its own errors.
      refuse(response, 200, unknown);
      return null;
    }
    return new Buffered(request, body);
  }

  /**
   * A {@code tools/call} of a tool this server does not have, answered as "invalid params" naming
   * the tool and the tools there are (the SDK's own answer does not name it); null otherwise.
   */
  private static byte @Nullable [] unknownTool(byte[] body, Collection<String> tools)
      throws IOException {
    JsonNode message = Json.MAPPER.readTree(body);
    if (!"tools/call".equals(message.path("method").asText())) {
      return null;
    }
    JsonNode name = message.path("params").path("name");
    if (name.isTextual() && tools.contains(name.asText())) {
      return null;
    }
    String named = name.isTextual() ? "'" + name.asText() + "'" : "(none given)";
    return JsonRpc.error(
        message.get("id"),
        McpSchema.ErrorCodes.INVALID_PARAMS,
        "name: unknown tool "
            + named
            + "; the tools are "
            + String.join(", ", tools.stream().sorted().toList()));
  }

  /**
   * A GET that reconnects after a dropped stream names the last event it saw; Attune keeps no
   * history to replay (the SDK's replay is empty and would leave the stream hanging without a
   * listener), so a reconnect opens a fresh listening stream instead.
   */
  private static final class WithoutLastEventId extends HttpServletRequestWrapper {
    WithoutLastEventId(HttpServletRequest request) {
      super(request);
    }

    @Override
    public @Nullable String getHeader(String name) {
      return "Last-Event-ID".equalsIgnoreCase(name) ? null : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
      return "Last-Event-ID".equalsIgnoreCase(name)
          ? Collections.emptyEnumeration()
          : super.getHeaders(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
      return Collections.enumeration(
          Collections.list(super.getHeaderNames()).stream()
              .filter(n -> !"Last-Event-ID".equalsIgnoreCase(n))
              .toList());
    }
  }

  private static void refuse(HttpServletResponse response, int status, byte[] error)
      throws IOException {
    response.setStatus(status);
    response.setContentType("application/json");
    response.getOutputStream().write(error);
  }

  /** A request whose body was already read: it is read again from memory. */
  private static final class Buffered extends HttpServletRequestWrapper {
    private final byte[] body;

    Buffered(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new IllegalStateException("the body was read already");
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      return new BufferedReader(
          new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8));
    }
  }

  /**
   * A response that holds back what the SDK writes after an error status and answers it as a
   * JSON-RPC error instead: its code and first line of message when the SDK gave them (its
   * serialized exception carries them in {@code jsonRpcError}), a plain one by status otherwise. A
   * success (the event stream included) passes straight through.
   */
  static final class ErrorCapture extends HttpServletResponseWrapper {
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    private final String method;
    private int errorStatus;
    private @Nullable PrintWriter heldWriter;

    private final AtomicLong ids;
    private @Nullable PrintWriter eventIds;

    /**
     * @param ids the counter that numbers this server's events (so ids are unique in a session)
     */
    ErrorCapture(HttpServletResponse response, String method, AtomicLong ids) {
      super(response);
      this.method = method;
      this.ids = ids;
    }

    @Override
    public void setStatus(int status) {
      if (status >= 400) {
        errorStatus = status;
      } else {
        super.setStatus(status);
      }
    }

    @Override
    public void sendError(int status) {
      errorStatus = status;
    }

    @Override
    public void sendError(int status, String message) {
      errorStatus = status;
    }

    @Override
    public int getStatus() {
      return errorStatus != 0 ? errorStatus : super.getStatus();
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
      if (errorStatus == 0) {
        return super.getOutputStream();
      }
      return new ServletOutputStream() {
        @Override
        public void write(int b) {
          held.write(b);
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
          throw new IllegalStateException("an error is not written asynchronously");
        }
      };
    }

    @Override
    public PrintWriter getWriter() throws IOException {
      if (errorStatus == 0) {
        if (eventIds == null) {
          eventIds = new PrintWriter(new UniqueEventIds(super.getWriter(), ids));
        }
        return eventIds;
      }
      if (heldWriter == null) {
        heldWriter = new PrintWriter(new OutputStreamWriter(held, StandardCharsets.UTF_8));
      }
      return heldWriter;
    }

    /** Writes the held-back error, if there was one. */
    void finish() throws IOException {
      if (errorStatus == 0) {
        return;
      }
      if (heldWriter != null) {
        heldWriter.flush();
      }
      int code = JsonRpc.INVALID_REQUEST;
      String message = null;
      try {
        JsonNode sdk = Json.MAPPER.readTree(held.toByteArray()).path("jsonRpcError");
        if (sdk.path("code").isInt()) {
          code = sdk.get("code").asInt();
        }
        message = firstLine(sdk.path("message").asText(null));
      } catch (IOException | RuntimeException notJson) {
        // Not the SDK's exception: the plain message below.
      }
      if (message == null || message.isBlank()) {
        message =
            switch (errorStatus) {
              case 405 -> "method " + method + " is not allowed on /mcp: use POST, GET or DELETE";
              case 404 -> "no such MCP session: initialize a new one";
              default -> "the MCP request was refused (HTTP " + errorStatus + ")";
            };
      }
      HttpServletResponse r = (HttpServletResponse) getResponse();
      r.resetBuffer();
      refuse(r, errorStatus, JsonRpc.error(null, code, message));
    }

    /**
     * The message's first line (a broken body, whose parser message runs on with locations, never
     * reaches the SDK: {@link #checked} refuses it first).
     */
    private static @Nullable String firstLine(@Nullable String message) {
      if (message == null) {
        return null;
      }
      int cut = message.indexOf('\n');
      return (cut < 0 ? message : message.substring(0, cut)).strip();
    }
  }

  /**
   * Gives every Server-Sent Event a unique id. The SDK writes the session id as every event's id,
   * against the MCP specification (an id identifies an event within its session, so a client can
   * say which it saw last); here each {@code id:} line becomes {@code <session id>-<n>}. Everything
   * else passes through as written, and a flush passes on whatever is held.
   */
  static final class UniqueEventIds extends Writer {
    private static final String ID = "id: ";
    private final Writer out;
    private final AtomicLong ids;
    private final StringBuilder line = new StringBuilder();

    UniqueEventIds(Writer out, AtomicLong ids) {
      this.out = out;
      this.ids = ids;
    }

    @Override
    public void write(char[] chars, int off, int len) throws IOException {
      for (int i = off; i < off + len; i++) {
        line.append(chars[i]);
        if (chars[i] == '\n') {
          emit();
        }
      }
    }

    private void emit() throws IOException {
      if (line.length() > ID.length() && line.indexOf(ID) == 0) {
        String id = line.substring(ID.length(), line.length() - 1).strip();
        out.write(ID + id + "-" + ids.incrementAndGet() + "\n");
      } else {
        out.write(line.toString());
      }
      line.setLength(0);
    }

    @Override
    public void flush() throws IOException {
      if (!line.isEmpty()) {
        out.write(line.toString());
        line.setLength(0);
      }
      out.flush();
    }

    @Override
    public void close() throws IOException {
      flush();
      out.close();
    }
  }
}
