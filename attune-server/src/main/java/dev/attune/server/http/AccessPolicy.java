package dev.attune.server.http;

import dev.attune.core.model.ApiKey;
import dev.attune.core.model.KeyRole;
import org.jspecify.annotations.Nullable;

/**
 * The one place that decides whether a key may perform an {@link Operation}, on which user: every
 * door asks here (REST through {@link Gate} and {@link Call#forUser}, the model proxy, MCP over
 * HTTP), so a refusal reads the same wherever it happens. Keys that are unknown, revoked or expired
 * never get this far ({@link Gate#verify}); another tenant's key acts in its own tenant, so it
 * never reaches this tenant's rows.
 */
final class AccessPolicy {
  private AccessPolicy() {}

  /**
   * Why {@code key} may not perform {@code operation}, or null when it may.
   *
   * @param user the user id as the request named it; null when it names none yet (only the key's
   *     kind is judged then: a door checks again when the user is known)
   */
  static @Nullable String refusal(ApiKey key, Operation operation, @Nullable String user) {
    return switch (operation.audience()) {
      case ANYONE -> null;
      case ADMIN ->
          key.role() == KeyRole.ADMIN ? null : kind(key) + " may not " + operation.phrase();
      case SERVICE ->
          key.role() != KeyRole.USER
              ? null
              : "a user token may not "
                  + operation.phrase()
                  + "; that needs a service key of the tenant";
      case OWN_USER -> {
        if (key.role() != KeyRole.USER || user == null || user.equals(key.user().value())) {
          yield null;
        }
        yield "a user token may only act on its own user ("
            + key.user().value()
            + "), not on '"
            + user
            + "'";
      }
    };
  }

  /** Refuses with 403 unless {@code key} may perform {@code operation} on {@code user}. */
  static void require(ApiKey key, Operation operation, @Nullable String user) {
    String refused = refusal(key, operation, user);
    if (refused != null) {
      throw HttpError.forbidden(refused);
    }
  }

  private static String kind(ApiKey key) {
    return key.role() == KeyRole.USER ? "a user token" : "a " + key.role().wireName() + " key";
  }
}
