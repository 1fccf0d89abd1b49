package dev.attune.store.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.core.effectiveness.Experiment;
import dev.attune.core.effectiveness.Metric;
import dev.attune.core.model.TenantId;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The experiments table: each experiment's arms and primary metric as JSON. */
final class ExperimentTables {
  private final Db db;

  ExperimentTables(Db db) {
    this.db = db;
  }

  void putExperiment(TenantId tenant, Experiment e) {
    List<Map<String, Object>> arms = new ArrayList<>();
    for (Experiment.Arm a : e.arms()) {
      Map<String, Object> arm = new LinkedHashMap<>();
      arm.put("name", a.name());
      arm.put("share", a.share());
      arm.put("personalize", a.personalize());
      if (a.maxTokens() != null) {
        arm.put("max_tokens", a.maxTokens());
      }
      arms.add(arm);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("arms", arms);
    body.put("primary_metric", e.primary().wireName());
    db.transaction(
        tenant,
        "save experiment",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO experiments (tenant_id, name, body, active, updated_at)"
                      + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, name) DO UPDATE SET"
                      + " body = excluded.body, active = excluded.active,"
                      + " updated_at = excluded.updated_at")) {
            ps.setString(1, tenant.value());
            ps.setString(2, e.name());
            ps.setString(3, Codec.json(body));
            ps.setInt(4, e.active() ? 1 : 0);
            ps.setLong(5, Codec.micros(Instant.now()));
            ps.executeUpdate();
          }
          return null;
        });
  }

  List<Experiment> experiments(TenantId tenant, @Nullable String name) {
    return db.read(
        tenant,
        "read experiments",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT name, body, active FROM experiments WHERE tenant_id = ?"
                      + (name == null ? "" : " AND name = ?")
                      + " ORDER BY name")) {
            ps.setString(1, tenant.value());
            if (name != null) {
              ps.setString(2, name);
            }
            List<Experiment> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    experiment(rs.getString(1), Codec.tree(rs.getString(2)), rs.getInt(3) != 0));
              }
            }
            return out;
          }
        });
  }

  private static Experiment experiment(String name, JsonNode body, boolean active) {
    List<Experiment.Arm> arms = new ArrayList<>();
    for (JsonNode a : body.get("arms")) {
      arms.add(
          new Experiment.Arm(
              a.get("name").asText(),
              a.get("share").asDouble(),
              a.get("personalize").asBoolean(),
              a.hasNonNull("max_tokens") ? a.get("max_tokens").asInt() : null));
    }
    return new Experiment(
        name, arms, active, Metric.parse("primary_metric", body.get("primary_metric").asText()));
  }

  boolean deleteExperiment(TenantId tenant, String name) {
    return db.transaction(
        tenant,
        "delete experiment",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM experiments WHERE tenant_id = ? AND name = ?")) {
            ps.setString(1, tenant.value());
            ps.setString(2, name);
            return ps.executeUpdate() > 0;
          }
        });
  }
}
