package dev.attune.server.http;

import dev.attune.api.ErrorBody;
import dev.attune.api.Json;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers before a request reaches the API (a path it cannot decode, a URI or headers
 * too large) in the API's error format instead of Jetty's HTML page: clients parse one shape.
 */
final class JsonErrorPages extends ErrorHandler {
  JsonErrorPages() {
    setShowStacks(false);
    setShowCauses(false);
  }

  @Override
  protected boolean generateAcceptableResponse(
      Request request,
      Response response,
      Callback callback,
      String contentType,
      List<Charset> charsets,
      int code,
      String message,
      Throwable cause) {
    String reason = HttpStatus.getMessage(code);
    String text =
        switch (code) {
          case 400 -> "the request is malformed (a path or header that cannot be decoded)";
          case 414 -> "the request URI is too long";
          case 431 -> "the request's headers are too large";
          default -> reason;
        };
    byte[] body = Json.writeBytes(ErrorBody.of(ErrorMapping.codeFor(code), text, null));
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }
}
