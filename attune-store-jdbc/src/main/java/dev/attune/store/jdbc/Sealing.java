package dev.attune.store.jdbc;

import dev.attune.core.model.StoreException;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import java.sql.Connection;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * Users' text as the tables store it: sealed under the user's data key when encryption is on, as it
 * is when off; and a store that holds sealed text refuses to be read without its key.
 */
final class Sealing {
  private final Db db;
  private final @Nullable Encryption encryption;

  Sealing(Db db, @Nullable Encryption encryption) {
    this.db = db;
    this.encryption = encryption;
  }

  boolean on() {
    return encryption != null;
  }

  @Nullable Encryption encryption() {
    return encryption;
  }

  /** A user's value as stored. */
  @Nullable String seal(Connection c, TenantId tenant, UserId user, @Nullable String value)
      throws SQLException {
    return encryption == null ? value : encryption.seal(c, tenant, user, value);
  }

  /** A user's stored value, opened. */
  @Nullable String open(Connection c, TenantId tenant, UserId user, @Nullable String stored)
      throws SQLException {
    if (encryption == null) {
      if (stored != null && stored.startsWith(Encryption.PREFIX)) {
        throw new StoreException(
            "the store holds encrypted data but no master key is configured", false, null);
      }
      return stored;
    }
    return encryption.open(c, tenant, user, stored);
  }

  /**
   * Before a write for the user: their data key exists (committed first, in its own transaction).
   */
  void prepareKey(TenantId tenant, UserId user) {
    if (encryption != null) {
      encryption.ensureKey(db, tenant, user);
    }
  }
}
