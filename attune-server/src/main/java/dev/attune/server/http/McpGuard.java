package dev.attune.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.api.Json;
import dev.attune.server.mcp.JsonRpc;
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
import java.nio.charset.StandardCharsets;
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
      HttpServletRequest request, HttpServletResponse response, long maxBodyBytes)
      throws IOException {
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
    return new Buffered(request, body);
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

    ErrorCapture(HttpServletResponse response, String method) {
      super(response);
      this.method = method;
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
        return super.getWriter();
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
}
