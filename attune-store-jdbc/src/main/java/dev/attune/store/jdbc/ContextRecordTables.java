package dev.attune.store.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.core.effectiveness.ContextRecord;
import dev.attune.core.model.BlockType;
import dev.attune.core.model.ItemKind;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The context_records table: one row per pack served, its items as a JSON array of [id, block,
 * kind, tokens] (ids and counts, never text), and which items a reply used.
 */
final class ContextRecordTables {
  private static final String RECORD_COLUMNS =
      "context_id, tenant_id, user_id, at, experiment, arm, budget, tokens, degraded, latency_us,"
          + " session_id, items, used, utilized_at, reply_message_id";

  private final Db db;

  ContextRecordTables(Db db) {
    this.db = db;
  }

  void putContextRecords(List<ContextRecord> records) {
    Map<TenantId, List<ContextRecord>> byTenant = new LinkedHashMap<>();
    records.forEach(r -> byTenant.computeIfAbsent(r.tenant(), t -> new ArrayList<>()).add(r));
    for (Map.Entry<TenantId, List<ContextRecord>> e : byTenant.entrySet()) {
      db.transaction(
          e.getKey(),
          "record contexts",
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO context_records ("
                        + RECORD_COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL)"
                        + " ON CONFLICT (tenant_id, context_id) DO NOTHING")) {
              for (ContextRecord r : e.getValue()) {
                ps.setString(1, r.id());
                ps.setString(2, r.tenant().value());
                ps.setString(3, r.user().value());
                ps.setLong(4, Codec.micros(r.at()));
                ps.setString(5, r.experiment());
                ps.setString(6, r.arm());
                ps.setInt(7, r.budget());
                ps.setInt(8, r.tokens());
                ps.setInt(9, r.degraded() ? 1 : 0);
                ps.setLong(10, r.latencyMicros());
                ps.setString(11, r.sessionId());
                ps.setString(12, items(r.items()));
                ps.addBatch();
              }
              ps.executeBatch();
            }
            return null;
          });
    }
  }

  Optional<ContextRecord> findContextRecord(TenantId tenant, UserId user, String contextId) {
    return db.read(
        tenant,
        "find context record",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + RECORD_COLUMNS
                      + " FROM context_records WHERE tenant_id = ? AND context_id = ? AND user_id = ?")) {
            ps.setString(1, tenant.value());
            ps.setString(2, contextId);
            ps.setString(3, user.value());
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(record(rs)) : Optional.<ContextRecord>empty();
            }
          }
        });
  }

  List<ContextRecord> contextRecords(TenantId tenant, UserId user, int limit) {
    return db.read(
        tenant,
        "list context records",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + RECORD_COLUMNS
                      + " FROM context_records WHERE tenant_id = ? AND user_id = ?"
                      + " ORDER BY at DESC, context_id DESC LIMIT ?")) {
            ps.setString(1, tenant.value());
            ps.setString(2, user.value());
            ps.setInt(3, limit);
            List<ContextRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(record(rs));
              }
            }
            return out;
          }
        });
  }

  boolean putUtilization(
      TenantId tenant, UserId user, String contextId, ContextRecord.Utilization u) {
    return db.transaction(
        tenant,
        "record utilization",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE context_records SET used = ?, utilized_at = ?, reply_message_id = ?"
                      + " WHERE tenant_id = ? AND context_id = ? AND user_id = ?")) {
            ps.setString(1, Codec.json(u.used()));
            ps.setLong(2, Codec.micros(u.at()));
            ps.setString(3, u.messageId());
            ps.setString(4, tenant.value());
            ps.setString(5, contextId);
            ps.setString(6, user.value());
            return ps.executeUpdate() > 0;
          }
        });
  }

  long deleteContextRecordsBefore(Instant cutoff) {
    return db.transaction(
        null,
        "delete old context records",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM context_records WHERE at < ?")) {
            ps.setLong(1, Codec.micros(cutoff));
            return (long) ps.executeUpdate();
          }
        });
  }

  private static String items(List<ContextRecord.Injected> items) {
    List<List<Object>> rows = new ArrayList<>(items.size());
    for (ContextRecord.Injected i : items) {
      rows.add(List.of(i.id(), i.block().wireName(), i.kind().wireName(), i.tokens()));
    }
    return Codec.json(rows);
  }

  private static ContextRecord record(ResultSet rs) throws SQLException {
    List<ContextRecord.Injected> items = new ArrayList<>();
    for (JsonNode row : Codec.tree(rs.getString(12))) {
      items.add(
          new ContextRecord.Injected(
              row.get(0).asText(),
              BlockType.valueOf(row.get(1).asText().toUpperCase(Locale.ROOT)),
              ItemKind.valueOf(row.get(2).asText().toUpperCase(Locale.ROOT)),
              row.get(3).asInt()));
    }
    String used = rs.getString(13);
    ContextRecord.Utilization utilization =
        used == null
            ? null
            : new ContextRecord.Utilization(
                Codec.instant(rs.getLong(14)), rs.getString(15), Codec.strings(used));
    return new ContextRecord(
        rs.getString(1),
        TenantId.of(rs.getString(2)),
        UserId.of(rs.getString(3)),
        Codec.instant(rs.getLong(4)),
        rs.getString(5),
        rs.getString(6),
        rs.getInt(7),
        rs.getInt(8),
        rs.getInt(9) != 0,
        rs.getLong(10),
        rs.getString(11),
        items,
        utilization);
  }
}
