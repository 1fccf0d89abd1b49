package dev.attune.server.http;

import dev.attune.api.ErrorBody;
import dev.attune.api.JsonInputException;
import dev.attune.core.model.ConflictException;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.NotFoundException;
import dev.attune.core.model.StoreException;
import dev.attune.server.proxy.WireFormat;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.lang.System.Logger.Level;
import java.util.UUID;

/**
 * Every failure as the API answers it, in one place: {@code {"error": {"code", "message",
 * "field"?}}} with its status (on the model proxy, the provider's error shape). Bad input is a 4xx
 * naming the field; an unexpected failure is a 500 with an id to find it in the log, never a stack
 * trace.
 */
final class ErrorMapping {
  private static final System.Logger LOG = System.getLogger(ErrorMapping.class.getName());

  private final long maxBodyBytes;

  ErrorMapping(long maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  void handle(Exception e, Context ctx) {
    if (e instanceof HttpError h) {
      h.headers.forEach(ctx::header);
      respond(ctx, h.status, ErrorBody.of(h.code, h.getMessage(), h.field));
    } else if (e instanceof JsonInputException j) {
      respond(ctx, 400, ErrorBody.of(j.code(), j.getMessage(), j.field()));
    } else if (e instanceof InvalidRequestException i) {
      respond(ctx, 422, ErrorBody.of("invalid_value", i.getMessage(), i.field()));
    } else if (e instanceof NotFoundException n) {
      respond(ctx, 404, ErrorBody.of("not_found", n.getMessage(), null));
    } else if (e instanceof ConflictException c) {
      respond(ctx, 409, ErrorBody.of("conflict", c.getMessage(), null));
    } else if (e instanceof StoreException s) {
      // The store, not the request, failed (unreachable, locked, disk full or read-only), and
      // nothing was written: unavailable, said plainly, never a 500. A lock clears in a moment;
      // an operator frees a disk in minutes.
      ctx.header("Retry-After", s.retryable() ? "1" : "30");
      respond(ctx, 503, ErrorBody.of("unavailable", s.getMessage(), null));
    } else if (e instanceof HttpResponseException h) {
      int status = h.getStatus();
      String code = codeFor(status);
      String message =
          status == 413
              ? "the request body is larger than " + maxBodyBytes + " bytes (max_body_bytes)"
              : h.getMessage();
      respond(ctx, status, ErrorBody.of(code, message, status == 413 ? "body" : null));
    } else {
      String id = UUID.randomUUID().toString().substring(0, 8);
      LOG.log(Level.ERROR, "internal error " + id + " on " + ctx.method() + " " + ctx.path(), e);
      Call.respond(
          ctx,
          500,
          ErrorBody.of(
              "internal", "internal error " + id + "; the server log has the details", null));
    }
  }

  /** Writes the error in Attune's shape, or on the model proxy in the provider's own. */
  private static void respond(Context ctx, int status, ErrorBody body) {
    WireFormat format = ctx.attribute(Call.WIRE_FORMAT);
    ErrorBody.Detail d = body.error();
    Call.respond(
        ctx,
        status,
        format == null ? body : format.error(status, d.code(), d.message(), d.field()));
  }

  /** A path or method no route serves (and no route answered already). */
  void unmatched(Context ctx, int status, String code, String message) {
    if (ctx.attribute(Call.ROUTE) == null) {
      respond(ctx, status, ErrorBody.of(code, message, null));
    }
  }

  /** The error code for a status the API did not choose itself (Javalin's, Jetty's). */
  static String codeFor(int status) {
    return switch (status) {
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "payload_too_large";
      case 414 -> "uri_too_long";
      case 415 -> "unsupported_media_type";
      case 431 -> "headers_too_large";
      default -> status < 500 ? "bad_request" : "internal";
    };
  }
}
