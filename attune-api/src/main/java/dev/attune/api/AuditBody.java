package dev.attune.api;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One audited request: who read or changed which user's data, when, through which door ({@code
 * rest}, {@code proxy}, {@code mcp}; {@code system} for Attune's own decisions) and which key.
 */
public record AuditBody(
    Instant at,
    String door,
    String keyId,
    String role,
    String action,
    @Nullable String userId,
    @Nullable String target,
    int status) {
  /** {@code GET /v1/audit}, newest first. */
  public record Page(List<AuditBody> entries) {}
}
