package dev.attune.store.jdbc;

import dev.attune.core.effectiveness.HourlyFigure;
import dev.attune.core.model.TenantId;
import dev.attune.core.port.EffectivenessStore.Storage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The hourly_figures table (per-tenant counters that add up across nodes, and gauges that keep
 * their last value) and what a tenant stores now.
 */
final class FigureTables {
  private final Db db;

  FigureTables(Db db) {
    this.db = db;
  }

  void addHourly(TenantId tenant, Instant hour, Map<String, Long> add, Map<String, Long> set) {
    db.transaction(
        tenant,
        "record figures",
        c -> {
          String insert =
              "INSERT INTO hourly_figures (tenant_id, hour, name, value) VALUES (?, ?, ?, ?)"
                  + " ON CONFLICT (tenant_id, hour, name) DO UPDATE SET value = ";
          figures(c, insert + "hourly_figures.value + excluded.value", tenant, hour, add);
          figures(c, insert + "excluded.value", tenant, hour, set);
          return null;
        });
  }

  private static void figures(
      Connection c, String sql, TenantId tenant, Instant hour, Map<String, Long> values)
      throws SQLException {
    if (values.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (Map.Entry<String, Long> v : values.entrySet()) {
        ps.setString(1, tenant.value());
        ps.setLong(2, Codec.micros(hour));
        ps.setString(3, v.getKey());
        ps.setLong(4, v.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  List<HourlyFigure> hourly(TenantId tenant, Instant from, Instant to) {
    return db.read(
        tenant,
        "read figures",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT hour, name, value FROM hourly_figures WHERE tenant_id = ? AND hour >= ?"
                      + " AND hour < ? ORDER BY hour, name")) {
            ps.setString(1, tenant.value());
            ps.setLong(2, Codec.micros(from));
            ps.setLong(3, Codec.micros(to));
            List<HourlyFigure> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new HourlyFigure(Codec.instant(rs.getLong(1)), rs.getString(2), rs.getLong(3)));
              }
            }
            return out;
          }
        });
  }

  Storage storage(TenantId tenant) {
    Dialect d = db.dialect();
    return db.read(
        tenant,
        "measure storage",
        c -> {
          long users = single(c, "SELECT COUNT(*) FROM users WHERE tenant_id = ?", tenant);
          long active =
              single(
                  c,
                  "SELECT COUNT(*) FROM memories WHERE tenant_id = ? AND status = 'ACTIVE'",
                  tenant);
          long episodes = single(c, "SELECT COUNT(*) FROM episodes WHERE tenant_id = ?", tenant);
          long bytes =
              single(
                      c,
                      "SELECT COALESCE(SUM("
                          + d.byteLength("text")
                          + " + COALESCE("
                          + d.byteLength("embedding")
                          + ", 0)), 0) FROM memories WHERE tenant_id = ?",
                      tenant)
                  + single(
                      c,
                      "SELECT COALESCE(SUM("
                          + d.byteLength("content")
                          + " + COALESCE("
                          + d.byteLength("embedding")
                          + ", 0)), 0) FROM episodes WHERE tenant_id = ?",
                      tenant);
          return new Storage(users, active, episodes, bytes);
        });
  }

  private static long single(Connection c, String sql, TenantId tenant) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, tenant.value());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
