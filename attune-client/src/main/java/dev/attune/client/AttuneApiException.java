package dev.attune.client;

import org.jspecify.annotations.Nullable;

/**
 * The API answered with an error: {@link #status()}, the API's error {@link #code()} (e.g. {@code
 * invalid_value}) and, when one field is to blame, {@link #field()}. Subclasses name the common
 * cases; catch this class for all of them.
 */
public class AttuneApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final @Nullable String field;

  public AttuneApiException(int status, String code, String message, @Nullable String field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public @Nullable String field() {
    return field;
  }

  /** 400 or 422: the request was malformed or a value was invalid; {@link #field()} says which. */
  public static final class InvalidRequest extends AttuneApiException {
    public InvalidRequest(int status, String code, String message, @Nullable String field) {
      super(status, code, message, field);
    }
  }

  /** 401: no key, or an invalid, expired or revoked one. */
  public static final class Unauthorized extends AttuneApiException {
    public Unauthorized(String code, String message) {
      super(401, code, message, null);
    }
  }

  /** 403: the key's role (or bound user) may not do this. */
  public static final class Forbidden extends AttuneApiException {
    public Forbidden(String code, String message) {
      super(403, code, message, null);
    }
  }

  /** 404: nothing by that id in the key's tenant. */
  public static final class NotFound extends AttuneApiException {
    public NotFound(String code, String message) {
      super(404, code, message, null);
    }
  }

  /** 409: the request conflicts with the current state. */
  public static final class Conflict extends AttuneApiException {
    public Conflict(String code, String message) {
      super(409, code, message, null);
    }
  }

  /** 413: the body is larger than the server accepts. */
  public static final class PayloadTooLarge extends AttuneApiException {
    public PayloadTooLarge(String code, String message, @Nullable String field) {
      super(413, code, message, field);
    }
  }

  /** 429: too many requests for this key; retry after {@link #retryAfterSeconds()}. */
  public static final class RateLimited extends AttuneApiException {
    private final long retryAfterSeconds;

    public RateLimited(String code, String message, long retryAfterSeconds) {
      super(429, code, message, null);
      this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
      return retryAfterSeconds;
    }
  }

  /** 5xx: the server could not answer (503: try again shortly). */
  public static final class ServerError extends AttuneApiException {
    public ServerError(int status, String code, String message) {
      super(status, code, message, null);
    }
  }
}
