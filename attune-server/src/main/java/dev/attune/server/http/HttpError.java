package dev.attune.server.http;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/** An error the API answers with its own status: 401, 403, 404, 409, 413, 415, 429, 503. */
final class HttpError extends RuntimeException {
  final int status;
  final String code;
  final @Nullable String field;
  final Map<String, String> headers;

  HttpError(
      int status,
      String code,
      String message,
      @Nullable String field,
      Map<String, String> headers) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.headers = headers;
  }

  static HttpError unauthorized(String message) {
    return new HttpError(401, "unauthorized", message, null, Map.of("WWW-Authenticate", "Bearer"));
  }

  static HttpError forbidden(String message) {
    return new HttpError(403, "forbidden", message, null, Map.of());
  }

  static HttpError notFound(String message) {
    return new HttpError(404, "not_found", message, null, Map.of());
  }

  static HttpError unsupportedMediaType(String message) {
    return new HttpError(415, "unsupported_media_type", message, "Content-Type", Map.of());
  }

  static HttpError payloadTooLarge(long maxBodyBytes) {
    return new HttpError(
        413,
        "payload_too_large",
        "the request body is larger than " + maxBodyBytes + " bytes (max_body_bytes)",
        "body",
        Map.of());
  }

  /** The node cannot take more now; what it accepted is kept. */
  static HttpError serviceUnavailable(String code, String message, long retryAfterSeconds) {
    return new HttpError(
        503, code, message, null, Map.of("Retry-After", Long.toString(retryAfterSeconds)));
  }

  static HttpError tooManyRequests(long retryAfterSeconds) {
    return new HttpError(
        429,
        "rate_limited",
        "too many requests for this key; retry after " + retryAfterSeconds + " s",
        null,
        Map.of("Retry-After", Long.toString(retryAfterSeconds)));
  }
}
