package dev.attune.server.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.attune.core.model.ApiKey;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.AccessStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * API keys: {@code atn_<id>_<secret>}. The id finds the stored key; the secret (256 random bits) is
 * kept only as its SHA-256 and compared in constant time. Verified keys are cached for {@link
 * #CACHE_FOR}. A revocation takes effect at once in the process that revokes and, on PostgreSQL, on
 * every other node as soon as the store's key notification arrives (milliseconds); on SQLite, in a
 * serve process beside a command line that revoked, within {@link #CACHE_FOR}.
 */
public final class Keys {
  static final Duration CACHE_FOR = Duration.ofSeconds(30);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String PREFIX = "atn_";

  /** A new key's stored form and, this once, the secret to hand to its owner. */
  public record Minted(ApiKey key, String secret) {}

  private final AccessStore store;
  private final InstantSource clock;
  private final Cache<String, ApiKey> verified =
      Caffeine.newBuilder().expireAfterWrite(CACHE_FOR).maximumSize(100_000).build();

  public Keys(AccessStore store, InstantSource clock) {
    this.store = store;
    this.clock = clock;
    // Another node revoked a key (PostgreSQL): forget it now, not when the cache entry expires.
    store.onKeyChange(this::forget, verified::invalidateAll);
  }

  /** Makes and stores a key. */
  public Minted create(
      TenantId tenant,
      KeyRole role,
      @Nullable String label,
      @Nullable UserId user,
      @Nullable Duration ttl) {
    label = label == null ? null : label(label);
    byte[] idBytes = new byte[8];
    byte[] secretBytes = new byte[32];
    RANDOM.nextBytes(idBytes);
    RANDOM.nextBytes(secretBytes);
    String id = "key_" + HexFormat.of().formatHex(idBytes);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    Instant now = clock.instant();
    ApiKey key =
        new ApiKey(
            id,
            tenant,
            role,
            sha256(secret),
            label,
            user,
            now,
            ttl == null ? null : now.plus(ttl),
            null);
    store.putKey(key);
    return new Minted(key, PREFIX + id + "_" + secret);
  }

  /** The usable key a presented secret belongs to, or empty. */
  public Optional<ApiKey> verify(String presented) {
    ApiKey cached = verified.getIfPresent(presented);
    Instant now = clock.instant();
    if (cached != null) {
      return cached.usableAt(now) ? Optional.of(cached) : Optional.empty();
    }
    if (!presented.startsWith(PREFIX)) {
      return Optional.empty();
    }
    int split = presented.indexOf('_', PREFIX.length() + 4);
    if (split < 0) {
      return Optional.empty();
    }
    String id = presented.substring(PREFIX.length(), split);
    String secret = presented.substring(split + 1);
    Optional<ApiKey> key = store.findKey(id);
    if (key.isEmpty()
        || !MessageDigest.isEqual(
            key.get().secretHash().getBytes(StandardCharsets.US_ASCII),
            sha256(secret).getBytes(StandardCharsets.US_ASCII))
        || !key.get().usableAt(now)) {
      return Optional.empty();
    }
    verified.put(presented, key.get());
    return key;
  }

  /** Revokes a key of {@code tenant} (null: any tenant, for the operator's command line). */
  public boolean revoke(@Nullable TenantId tenant, String id) {
    Optional<ApiKey> key = store.findKey(id);
    if (key.isEmpty()
        || (tenant != null && !key.get().tenant().equals(tenant))
        || key.get().revokedAt() != null) {
      return false;
    }
    store.putKey(key.get().revoked(clock.instant()));
    forget(id);
    return true;
  }

  private void forget(String id) {
    verified.asMap().values().removeIf(k -> k.id().equals(id));
  }

  static String sha256(String secret) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** A key's label: 1-200 printable characters once stripped. */
  private static String label(String value) {
    String v = value.strip();
    if (v.isEmpty() || v.length() > 200) {
      throw new InvalidRequestException("label", "label must be 1-200 characters");
    }
    // Stored as it is (PostgreSQL refuses a NUL in text) and listed to admins.
    if (!dev.attune.core.model.Limits.isPrintable(v)) {
      throw new InvalidRequestException(
          "label", "label must not contain control characters or a broken surrogate pair");
    }
    return v;
  }
}
