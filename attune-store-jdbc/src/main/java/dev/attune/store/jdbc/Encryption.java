package dev.attune.store.jdbc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.attune.core.model.StoreException;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Encryption at rest: each user's text (memories, messages, history, profile, queued messages) is
 * sealed with AES-256-GCM under that user's own data key, bound to the tenant and user (a row
 * copied to another user does not open). Data keys are stored wrapped by the {@link MasterKey} in
 * {@code data_keys}; erasing a user deletes their key with their rows, so any copy of their
 * ciphertext left in a backup that does not hold the key can no longer be read (crypto-shredding).
 *
 * <p>Values are stored as {@code enc1:} + base64(nonce, ciphertext, tag). Values without the prefix
 * (written before encryption was turned on) are read as they are.
 */
public final class Encryption {
  static final String PREFIX = "enc1:";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final MasterKey master;
  private final Cache<List<String>, byte[]> keys =
      Caffeine.newBuilder().maximumSize(200_000).build();

  public Encryption(MasterKey master) {
    this.master = master;
  }

  public MasterKey master() {
    return master;
  }

  private static List<String> k(TenantId tenant, UserId user) {
    return List.of(tenant.value(), user.value());
  }

  private static byte[] aad(TenantId tenant, UserId user) {
    return (tenant.value() + "\u0000" + user.value()).getBytes(StandardCharsets.UTF_8);
  }

  /** Makes sure the user has a data key, creating it in a transaction of its own first. */
  void ensureKey(Db db, TenantId tenant, UserId user) {
    if (keys.getIfPresent(k(tenant, user)) != null) {
      return;
    }
    db.transaction(
        tenant,
        "create data key",
        c -> {
          if (load(c, tenant, user) == null) {
            byte[] dataKey = new byte[32];
            RANDOM.nextBytes(dataKey);
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO data_keys (tenant_id, user_id, master_key_id, wrapped, created_at)"
                        + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, user_id) DO NOTHING")) {
              ps.setString(1, tenant.value());
              ps.setString(2, user.value());
              ps.setString(3, master.id());
              ps.setBytes(4, master.wrap(dataKey, aad(tenant, user)));
              ps.setLong(5, Codec.micros(Instant.now()));
              ps.executeUpdate();
            }
            load(c, tenant, user); // another process may have won: use its key
          }
          return null;
        });
  }

  /** The user's data key: cached, else read and unwrapped; null when they have none. */
  private byte @Nullable [] load(Connection c, TenantId tenant, UserId user) throws SQLException {
    byte[] cached = keys.getIfPresent(k(tenant, user));
    if (cached != null) {
      return cached;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT master_key_id, wrapped FROM data_keys WHERE tenant_id = ? AND user_id = ?")) {
      ps.setString(1, tenant.value());
      ps.setString(2, user.value());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        String wrappedBy = rs.getString(1);
        if (!wrappedBy.equals(master.id())) {
          throw new StoreException(
              "the data key of user '"
                  + user
                  + "' is wrapped by master key "
                  + wrappedBy
                  + ", but the configured master key is "
                  + master.id()
                  + ": configure the key it was written with",
              false,
              null);
        }
        byte[] dataKey = master.unwrap(rs.getBytes(2), aad(tenant, user));
        keys.put(k(tenant, user), dataKey);
        return dataKey;
      }
    }
  }

  /** The user's data key, unwrapped; throws when they have none or it does not unwrap. */
  byte[] key(Connection c, TenantId tenant, UserId user) throws SQLException {
    byte[] dataKey = load(c, tenant, user);
    if (dataKey == null) {
      throw new StoreException("user '" + user + "' has no data key", false, null);
    }
    return dataKey;
  }

  /** Seals a value of the user's (whose key {@link #ensureKey} made); null stays null. */
  @Nullable String seal(Connection c, TenantId tenant, UserId user, @Nullable String plain)
      throws SQLException {
    if (plain == null) {
      return null;
    }
    byte[] dataKey = load(c, tenant, user);
    if (dataKey == null) {
      throw new IllegalStateException("no data key for " + tenant + "/" + user);
    }
    byte[] sealed =
        MasterKey.Sealing.seal(dataKey, plain.getBytes(StandardCharsets.UTF_8), aad(tenant, user));
    return PREFIX + Base64.getEncoder().encodeToString(sealed);
  }

  /** Opens a stored value of the user's; a value written without encryption is returned as is. */
  @Nullable String open(Connection c, TenantId tenant, UserId user, @Nullable String stored)
      throws SQLException {
    if (stored == null || !stored.startsWith(PREFIX)) {
      return stored;
    }
    byte[] dataKey = load(c, tenant, user);
    if (dataKey == null) {
      throw new StoreException(
          "the data key of user '"
              + user
              + "' is gone: the user was erased, and this copy of their data can no longer be read",
          false,
          null);
    }
    byte[] sealed = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
    return new String(
        MasterKey.Sealing.open(dataKey, sealed, aad(tenant, user)), StandardCharsets.UTF_8);
  }

  /** Deletes the user's data key (in the caller's erasure transaction) and forgets it here. */
  void destroyKey(Connection c, TenantId tenant, UserId user) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM data_keys WHERE tenant_id = ? AND user_id = ?")) {
      ps.setString(1, tenant.value());
      ps.setString(2, user.value());
      ps.executeUpdate();
    }
    forget(tenant, user);
  }

  /** Drops a cached key (another process erased the user). */
  public void forget(TenantId tenant, UserId user) {
    keys.invalidate(k(tenant, user));
  }

  public void forgetAll() {
    keys.invalidateAll();
  }

  /**
   * Wraps every data key, in every tenant, with {@code next} instead of the current master key, in
   * one transaction; the data itself is not touched. Returns how many keys were rewrapped.
   */
  int rewrap(Db db, MasterKey next) {
    int n =
        db.transaction(
            null,
            "rotate the master key",
            c -> {
              List<Object[]> rows = new ArrayList<>();
              try (PreparedStatement ps =
                      c.prepareStatement(
                          "SELECT tenant_id, user_id, master_key_id, wrapped FROM data_keys");
                  ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  rows.add(
                      new Object[] {
                        rs.getString(1), rs.getString(2), rs.getString(3), rs.getBytes(4)
                      });
                }
              }
              int done = 0;
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "UPDATE data_keys SET master_key_id = ?, wrapped = ?"
                          + " WHERE tenant_id = ? AND user_id = ?")) {
                for (Object[] r : rows) {
                  if (r[2].equals(next.id())) {
                    continue; // already under the new key (a rotation resumed)
                  }
                  if (!r[2].equals(master.id())) {
                    throw new StoreException(
                        "a data key is wrapped by master key "
                            + r[2]
                            + ", neither the current ("
                            + master.id()
                            + ") nor the new one; nothing was changed",
                        false,
                        null);
                  }
                  TenantId t = TenantId.of((String) r[0]);
                  UserId u = UserId.of((String) r[1]);
                  byte[] dataKey = master.unwrap((byte[]) r[3], aad(t, u));
                  ps.setString(1, next.id());
                  ps.setBytes(2, next.wrap(dataKey, aad(t, u)));
                  ps.setString(3, t.value());
                  ps.setString(4, u.value());
                  ps.addBatch();
                  done++;
                }
                ps.executeBatch();
              }
              return done;
            });
    forgetAll();
    return n;
  }
}
