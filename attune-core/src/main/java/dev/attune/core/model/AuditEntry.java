package dev.attune.core.model;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One audited request: who read or changed which user's data, when, through which key.
 *
 * @param at when
 * @param keyId the key used
 * @param role the key's role
 * @param action what was done, e.g. {@code GET /v1/users/{user_id}/profile}
 * @param user whose data, if a user's
 * @param target what else was named (a memory id, an org id), if anything
 * @param status the HTTP status answered
 */
public record AuditEntry(
    Instant at,
    String keyId,
    KeyRole role,
    String action,
    @Nullable UserId user,
    @Nullable String target,
    int status) {
  public AuditEntry {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(action, "action");
  }
}
