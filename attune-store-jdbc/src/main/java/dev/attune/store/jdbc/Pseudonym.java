package dev.attune.store.jdbc;

import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** What a forgotten user's id becomes in the audit log: stable, but not reversible. */
final class Pseudonym {
  private Pseudonym() {}

  static String of(TenantId tenant, UserId user) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((tenant.value() + "\u0000" + user.value()).getBytes(StandardCharsets.UTF_8));
      return "forgotten:" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
