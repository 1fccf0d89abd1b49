package dev.attune.server.http;

import dev.attune.api.Json;
import dev.attune.api.JsonInputException;
import dev.attune.core.model.ApiKey;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One authorized request as a handler sees it: the caller's key (never null: {@link Gate} let it
 * through), the body read once under the size limit and parsed as JSON, and what the request's
 * audit entry should name.
 */
final class Call {
  static final String KEY = "attune.key";
  static final String ROUTE = "attune.route";
  static final String OPERATION = "attune.operation";
  static final String STARTED = "attune.started";
  static final String AUDIT_USER = "attune.audit.user";
  static final String AUDIT_TARGET = "attune.audit.target";

  /** Set when the audit entry was submitted before the request ended: its commit, to wait for. */
  static final String AUDIT_SUBMITTED = "attune.audit.submitted";

  /** Set on the model proxy: errors are written in that provider's shape. */
  static final String WIRE_FORMAT = "attune.wire";

  private final Context ctx;
  private final ApiKey key;
  private final long maxBodyBytes;

  Call(Context ctx, long maxBodyBytes) {
    this.ctx = ctx;
    this.key =
        Objects.requireNonNull(
            ctx.attribute(KEY), "a route with a role lets no call in without a key");
    this.maxBodyBytes = maxBodyBytes;
  }

  Context ctx() {
    return ctx;
  }

  ApiKey key() {
    return key;
  }

  /** The tenant of every operation: the key's, never the request's. */
  TenantId tenant() {
    return key.tenant();
  }

  /** Who caused a change, for history: the key, or the user whose token it is. */
  String actor() {
    return key.role() == KeyRole.USER ? "user:" + key.user() : "api:" + key.id();
  }

  /** The user named in the path (and in the audit entry). */
  UserId pathUser() {
    return forUser(UserId.of(ctx.pathParam("user_id")));
  }

  /**
   * The user this call acts on, once the handler knows it (the path's, or the body's): refused
   * (403) unless {@link AccessPolicy} lets this key perform the route's operation on that user;
   * named in the audit entry.
   */
  UserId forUser(UserId user) {
    Operation operation =
        Objects.requireNonNull(ctx.attribute(OPERATION), "a keyed route has an operation");
    AccessPolicy.require(key, operation, user.value());
    ctx.attribute(AUDIT_USER, user);
    return user;
  }

  String auditTarget(String target) {
    ctx.attribute(AUDIT_TARGET, target);
    return target;
  }

  @Nullable String query(String name) {
    return ctx.queryParam(name);
  }

  /** A whole-number query parameter within min..max, or its default when absent. */
  int intQuery(String name, int dflt, int min, int max) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidRequestException(
        name, name + " must be a whole number within " + min + ".." + max + "; got '" + v + "'");
  }

  /** The body as {@code type}; unknown fields and wrong types are refused naming the field. */
  <T> T read(Class<T> type) {
    return Json.read(body(), type, "request body");
  }

  /** The body as a JSON object. */
  Map<String, Object> readObject() {
    return Json.readObject(body(), "request body");
  }

  private String body() {
    String length = ctx.header("Content-Length");
    if (length != null
        && length.chars().allMatch(Character::isDigit)
        && Long.parseLong(length) > maxBodyBytes) {
      throw HttpError.payloadTooLarge(maxBodyBytes);
    }
    try (InputStream in = ctx.bodyInputStream()) {
      // Read one byte past the limit: a chunked body has no length to check first.
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
      if (bytes.length > maxBodyBytes) {
        throw HttpError.payloadTooLarge(maxBodyBytes);
      }
      if (bytes.length == 0) {
        throw new JsonInputException(
            "malformed_json", "body", "the request body is empty; expected a JSON object");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new JsonInputException(
          "malformed_json", "body", "cannot read the request body: " + e.getMessage());
    }
  }

  void json(int status, Object body) {
    respond(ctx, status, body);
  }

  void noContent() {
    ctx.status(204);
  }

  static void respond(Context ctx, int status, Object body) {
    ctx.status(status).contentType("application/json").result(Json.writeBytes(body));
  }
}
