package dev.attune.store.jdbc;

import dev.attune.core.model.ApiKey;
import dev.attune.core.model.AuditEntry;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.UsageMeter;
import dev.attune.core.port.UsageRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The api_keys, audit_log and model_usage tables. */
final class AccessTables {
  private static final String KEY_COLUMNS =
      "key_id, tenant_id, role, secret_hash, label, user_id, created_at, expires_at, revoked_at";

  private final Db db;

  AccessTables(Db db) {
    this.db = db;
  }

  void putKey(ApiKey k) {
    db.transaction(
        k.tenant(),
        "save key",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO api_keys ("
                      + KEY_COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                      + " ON CONFLICT (key_id) DO UPDATE SET label = excluded.label,"
                      + " expires_at = excluded.expires_at, revoked_at = excluded.revoked_at"
                      + " WHERE api_keys.tenant_id = excluded.tenant_id")) {
            ps.setString(1, k.id());
            ps.setString(2, k.tenant().value());
            ps.setString(3, k.role().name());
            ps.setString(4, k.secretHash());
            ps.setString(5, k.label());
            ps.setString(6, k.user() == null ? null : k.user().value());
            ps.setLong(7, Codec.micros(k.createdAt()));
            Db.setLong(ps, 8, Codec.microsOrNull(k.expiresAt()));
            Db.setLong(ps, 9, Codec.microsOrNull(k.revokedAt()));
            ps.executeUpdate();
          }
          db.dialect().keyChanged(c, k.id());
          return null;
        });
  }

  Optional<ApiKey> findKey(String id) {
    return db.read(
        null,
        "find key",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + KEY_COLUMNS + " FROM api_keys WHERE key_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(key(rs)) : Optional.empty();
            }
          }
        });
  }

  List<ApiKey> keys(TenantId tenant) {
    return db.read(
        tenant,
        "list keys",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + KEY_COLUMNS
                      + " FROM api_keys WHERE tenant_id = ?"
                      + " ORDER BY created_at DESC, key_id DESC")) {
            ps.setString(1, tenant.value());
            List<ApiKey> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(key(rs));
              }
            }
            return out;
          }
        });
  }

  void recordUsage(UsageMeter.ModelCall call, Instant at) {
    db.transaction(
        call.tenant(),
        "record model usage",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO model_usage (tenant_id, day, operation, model, calls, failures,"
                      + " input_tokens, output_tokens, latency_ms) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)"
                      + " ON CONFLICT (tenant_id, day, operation, model) DO UPDATE SET"
                      + " calls = model_usage.calls + 1,"
                      + " failures = model_usage.failures + excluded.failures,"
                      + " input_tokens = model_usage.input_tokens + excluded.input_tokens,"
                      + " output_tokens = model_usage.output_tokens + excluded.output_tokens,"
                      + " latency_ms = model_usage.latency_ms + excluded.latency_ms")) {
            ps.setString(1, call.tenant().value());
            ps.setString(2, LocalDate.ofInstant(at, ZoneOffset.UTC).toString());
            ps.setString(3, call.operation());
            ps.setString(4, call.model());
            ps.setLong(5, call.ok() ? 0 : 1);
            ps.setLong(6, call.inputTokens());
            ps.setLong(7, call.outputTokens());
            ps.setLong(8, call.latency().toMillis());
            ps.executeUpdate();
          }
          return null;
        });
  }

  void putUsage(TenantId tenant, UsageRow row) {
    db.transaction(
        tenant,
        "save model usage",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO model_usage (tenant_id, day, operation, model, calls, failures,"
                      + " input_tokens, output_tokens, latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                      + " ON CONFLICT (tenant_id, day, operation, model) DO UPDATE SET"
                      + " calls = excluded.calls, failures = excluded.failures,"
                      + " input_tokens = excluded.input_tokens,"
                      + " output_tokens = excluded.output_tokens, latency_ms = excluded.latency_ms")) {
            ps.setString(1, tenant.value());
            ps.setString(2, row.day().toString());
            ps.setString(3, row.operation());
            ps.setString(4, row.model());
            ps.setLong(5, row.calls());
            ps.setLong(6, row.failures());
            ps.setLong(7, row.inputTokens());
            ps.setLong(8, row.outputTokens());
            ps.setLong(9, row.latencyMillis());
            ps.executeUpdate();
          }
          return null;
        });
  }

  List<UsageRow> usage(TenantId tenant, LocalDate from, LocalDate to) {
    return db.read(
        tenant,
        "read model usage",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT day, operation, model, calls, failures, input_tokens, output_tokens,"
                      + " latency_ms FROM model_usage WHERE tenant_id = ? AND day >= ? AND day <= ?"
                      + " ORDER BY day, operation, model")) {
            ps.setString(1, tenant.value());
            ps.setString(2, from.toString());
            ps.setString(3, to.toString());
            List<UsageRow> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new UsageRow(
                        LocalDate.parse(rs.getString(1)),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getLong(4),
                        rs.getLong(5),
                        rs.getLong(6),
                        rs.getLong(7),
                        rs.getLong(8)));
              }
            }
            return out;
          }
        });
  }

  boolean anyKeys() {
    return db.read(
        null,
        "count keys",
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM api_keys LIMIT 1");
              ResultSet rs = ps.executeQuery()) {
            return rs.next();
          }
        });
  }

  private static ApiKey key(ResultSet rs) throws SQLException {
    String user = rs.getString(6);
    Long expires = Db.nullableLong(rs, 8);
    Long revoked = Db.nullableLong(rs, 9);
    return new ApiKey(
        rs.getString(1),
        new TenantId(rs.getString(2)),
        KeyRole.valueOf(rs.getString(3)),
        rs.getString(4),
        rs.getString(5),
        user == null ? null : new UserId(user),
        Codec.instant(rs.getLong(7)),
        expires == null ? null : Codec.instant(expires),
        revoked == null ? null : Codec.instant(revoked));
  }

  void appendAudit(TenantId tenant, List<AuditEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    db.transaction(
        tenant,
        "write audit",
        c -> {
          insertAudit(c, tenant, entries);
          return null;
        });
  }

  /** Inserts audit entries within the caller's transaction. */
  static void insertAudit(Connection c, TenantId tenant, List<AuditEntry> entries)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO audit_log (tenant_id, at, key_id, role, action, user_id, target,"
                + " status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (AuditEntry e : entries) {
        ps.setString(1, tenant.value());
        ps.setLong(2, Codec.micros(e.at()));
        ps.setString(3, e.keyId());
        ps.setString(4, e.role().name());
        ps.setString(5, e.action());
        ps.setString(6, e.user() == null ? null : e.user().value());
        ps.setString(7, e.target());
        ps.setInt(8, e.status());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  List<AuditEntry> audit(
      TenantId tenant, @Nullable UserId user, @Nullable Instant before, int limit) {
    String sql =
        "SELECT at, key_id, role, action, user_id, target, status FROM audit_log WHERE tenant_id = ?"
            + (user == null ? "" : " AND user_id = ?")
            + (before == null ? "" : " AND at < ?")
            + " ORDER BY at DESC, seq DESC LIMIT ?";
    return db.read(
        tenant,
        "read audit",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, tenant.value());
            if (user != null) {
              ps.setString(i++, user.value());
            }
            if (before != null) {
              ps.setLong(i++, Codec.micros(before));
            }
            ps.setInt(i, limit);
            List<AuditEntry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                String u = rs.getString(5);
                out.add(
                    new AuditEntry(
                        Codec.instant(rs.getLong(1)),
                        rs.getString(2),
                        KeyRole.valueOf(rs.getString(3)),
                        rs.getString(4),
                        u == null ? null : new UserId(u),
                        rs.getString(6),
                        rs.getInt(7)));
              }
            }
            return out;
          }
        });
  }
}
