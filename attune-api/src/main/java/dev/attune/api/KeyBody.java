package dev.attune.api;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** An API key as the API shows it: never its secret, except once, when it is created. */
public record KeyBody(
    String id,
    String role,
    @Nullable String label,
    @Nullable String userId,
    Instant createdAt,
    @Nullable Instant expiresAt,
    @Nullable Instant revokedAt) {

  /** {@code POST /v1/keys}: {@code role} is {@code admin} or {@code service}. */
  public record Create(@Nullable String role, @Nullable String label) {}

  /** {@code POST /v1/user-tokens}: a short-lived token bound to one user. */
  public record UserToken(@Nullable String userId, @Nullable Integer ttlSeconds) {}

  /** The answer to a create: the key and, this once, its secret. */
  public record Created(KeyBody key, String secret) {}

  public record Page(List<KeyBody> keys) {}
}
