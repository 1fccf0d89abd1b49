package dev.attune.store.jdbc;

import dev.attune.core.model.OrgId;
import dev.attune.core.model.OrgProfile;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.model.UserRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Users (their explicit profile and org) and org profiles. */
final class UserTables {
  private final Db db;
  private final Sealing sealing;

  UserTables(Db db, Sealing sealing) {
    this.db = db;
    this.sealing = sealing;
  }

  /** Inserts or replaces the user's row, inside a write's transaction. */
  void upsert(Connection c, TenantId tenant, UserId user, UserRecord u) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO users (tenant_id, user_id, org_id, profile, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, user_id) DO UPDATE SET"
                + " org_id = excluded.org_id, profile = excluded.profile,"
                + " updated_at = excluded.updated_at")) {
      ps.setString(1, tenant.value());
      ps.setString(2, user.value());
      ps.setString(3, u.org() == null ? null : u.org().value());
      ps.setString(4, sealing.seal(c, tenant, user, Codec.json(u.profile())));
      ps.setLong(5, Codec.micros(u.createdAt()));
      ps.setLong(6, Codec.micros(u.updatedAt()));
      ps.executeUpdate();
    }
  }

  Optional<UserRecord> findUser(TenantId tenant, UserId user) {
    return db.read(
        tenant,
        "find user",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT org_id, profile, created_at, updated_at FROM users"
                      + " WHERE tenant_id = ? AND user_id = ?")) {
            ps.setString(1, tenant.value());
            ps.setString(2, user.value());
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              String org = rs.getString(1);
              return Optional.of(
                  new UserRecord(
                      user,
                      org == null ? null : new OrgId(org),
                      Codec.userProfile(sealing.open(c, tenant, user, rs.getString(2))),
                      Codec.instant(rs.getLong(3)),
                      Codec.instant(rs.getLong(4))));
            }
          }
        });
  }

  List<UserId> users(TenantId tenant, @Nullable UserId after, int limit) {
    return db.read(
        tenant,
        "list users",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT user_id FROM users WHERE tenant_id = ? AND user_id > ?"
                      + " ORDER BY user_id LIMIT ?")) {
            ps.setString(1, tenant.value());
            ps.setString(2, after == null ? "" : after.value());
            ps.setInt(3, limit);
            List<UserId> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(new UserId(rs.getString(1)));
              }
            }
            return out;
          }
        });
  }

  List<TenantId> tenants() {
    return db.read(
        null,
        "list tenants",
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT DISTINCT tenant_id FROM users ORDER BY tenant_id");
              ResultSet rs = ps.executeQuery()) {
            List<TenantId> out = new ArrayList<>();
            while (rs.next()) {
              out.add(new TenantId(rs.getString(1)));
            }
            return out;
          }
        });
  }

  /** Creates a bare user row if missing, else advances its update time. */
  void touchUser(Connection c, TenantId tenant, UserId user, Instant now) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO users (tenant_id, user_id, org_id, profile, created_at, updated_at)"
                + " VALUES (?, ?, NULL, ?, ?, ?) ON CONFLICT (tenant_id, user_id) DO UPDATE SET"
                + " updated_at = excluded.updated_at")) {
      ps.setString(1, tenant.value());
      ps.setString(2, user.value());
      // Sealed like any profile, though empty: an encrypted store holds no plaintext profile.
      ps.setString(
          3, sealing.seal(c, tenant, user, Codec.json(dev.attune.core.model.UserProfile.empty())));
      ps.setLong(4, Codec.micros(now));
      ps.setLong(5, Codec.micros(now));
      ps.executeUpdate();
    }
  }

  Optional<OrgProfile> findOrg(TenantId tenant, OrgId org) {
    return db.read(
        tenant,
        "find org",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT profile FROM orgs WHERE tenant_id = ? AND org_id = ?")) {
            ps.setString(1, tenant.value());
            ps.setString(2, org.value());
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(Codec.orgProfile(rs.getString(1))) : Optional.empty();
            }
          }
        });
  }

  List<OrgId> orgs(TenantId tenant) {
    return db.read(
        tenant,
        "list orgs",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT org_id FROM orgs WHERE tenant_id = ? ORDER BY org_id")) {
            ps.setString(1, tenant.value());
            List<OrgId> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(new OrgId(rs.getString(1)));
              }
            }
            return out;
          }
        });
  }

  void putOrg(TenantId tenant, OrgId org, OrgProfile profile) {
    db.transaction(
        tenant,
        "save org",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO orgs (tenant_id, org_id, profile, updated_at) VALUES (?, ?, ?, ?)"
                      + " ON CONFLICT (tenant_id, org_id) DO UPDATE SET profile = excluded.profile,"
                      + " updated_at = excluded.updated_at")) {
            ps.setString(1, tenant.value());
            ps.setString(2, org.value());
            ps.setString(3, Codec.json(profile));
            ps.setLong(4, Codec.micros(Instant.now()));
            ps.executeUpdate();
          }
          return null;
        });
  }

  boolean deleteOrg(TenantId tenant, OrgId org) {
    return db.transaction(
        tenant,
        "delete org",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM orgs WHERE tenant_id = ? AND org_id = ?")) {
            ps.setString(1, tenant.value());
            ps.setString(2, org.value());
            return ps.executeUpdate() > 0;
          }
        });
  }
}
