package dev.attune.core.model;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An API key or user token, as stored: only the hash of its secret.
 *
 * @param id public identifier, part of the presented key
 * @param tenant the only tenant it may touch
 * @param role what it may do
 * @param secretHash SHA-256 of the secret, hex
 * @param label a name for people
 * @param user for user tokens, the one user they are bound to
 * @param createdAt when it was made
 * @param expiresAt when it stops working, if ever
 * @param revokedAt when it was revoked, if it was
 */
public record ApiKey(
    String id,
    TenantId tenant,
    KeyRole role,
    String secretHash,
    @Nullable String label,
    @Nullable UserId user,
    Instant createdAt,
    @Nullable Instant expiresAt,
    @Nullable Instant revokedAt) {
  public ApiKey {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(secretHash, "secretHash");
    Objects.requireNonNull(createdAt, "createdAt");
    if (role == KeyRole.USER && user == null) {
      throw new IllegalArgumentException("a user token needs a user");
    }
  }

  /** True if it may be used at {@code now}: not revoked, not expired. */
  public boolean usableAt(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }

  public ApiKey revoked(Instant at) {
    return new ApiKey(id, tenant, role, secretHash, label, user, createdAt, expiresAt, at);
  }
}
