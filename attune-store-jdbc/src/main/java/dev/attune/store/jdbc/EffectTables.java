package dev.attune.store.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.core.BlockType;
import dev.attune.core.ItemKind;
import dev.attune.core.effectiveness.ContextRecord;
import dev.attune.core.effectiveness.Correction;
import dev.attune.core.effectiveness.Experiment;
import dev.attune.core.effectiveness.ExperimentResults.UserTally;
import dev.attune.core.effectiveness.Feedback;
import dev.attune.core.effectiveness.Metric;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.EffectivenessStore.HourlyFigure;
import dev.attune.core.port.EffectivenessStore.Storage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The context_records, feedback, corrections, user_activity, experiments and hourly_figures tables.
 * Items are stored as JSON arrays of [id, block, kind, tokens]; experiments as JSON. Feedback
 * comments are sealed like every user's text.
 */
final class EffectTables {
  private static final String RECORD_COLUMNS =
      "context_id, tenant_id, user_id, at, experiment, arm, budget, tokens, degraded, latency_us,"
          + " session_id, items, used, utilized_at, reply_message_id";

  private final Db db;
  private final Sealing sealing;

  EffectTables(Db db, Sealing sealing) {
    this.db = db;
    this.sealing = sealing;
  }

  // ---- context records ----

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

  // ---- feedback and corrections ----

  void putFeedback(TenantId tenant, Feedback f) {
    sealing.prepareKey(tenant, f.user());
    db.transaction(
        tenant,
        "save feedback",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO feedback (tenant_id, feedback_id, user_id, context_id, signal, value,"
                      + " comment, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, tenant.value());
            ps.setString(2, f.id());
            ps.setString(3, f.user().value());
            ps.setString(4, f.contextId());
            ps.setString(5, f.signal().wireName());
            if (f.value() == null) {
              ps.setNull(6, java.sql.Types.DOUBLE);
            } else {
              ps.setDouble(6, f.value());
            }
            ps.setString(7, sealing.seal(c, tenant, f.user(), f.comment()));
            ps.setLong(8, Codec.micros(f.at()));
            ps.executeUpdate();
          }
          return null;
        });
  }

  List<Feedback> feedback(TenantId tenant, UserId user) {
    return db.read(
        tenant,
        "list feedback",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT feedback_id, context_id, signal, value, comment, at FROM feedback"
                      + " WHERE tenant_id = ? AND user_id = ? ORDER BY at, feedback_id")) {
            ps.setString(1, tenant.value());
            ps.setString(2, user.value());
            List<Feedback> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                double v = rs.getDouble(4);
                Double value = rs.wasNull() ? null : v;
                out.add(
                    new Feedback(
                        rs.getString(1),
                        user,
                        rs.getString(2),
                        Feedback.Signal.parse("signal", rs.getString(3)),
                        value,
                        sealing.open(c, tenant, user, rs.getString(5)),
                        Codec.instant(rs.getLong(6))));
              }
            }
            return out;
          }
        });
  }

  void putCorrection(TenantId tenant, Correction k) {
    db.transaction(
        tenant,
        "save correction",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO corrections (tenant_id, correction_id, user_id, memory_id,"
                      + " context_id, kind, extracted, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, tenant.value());
            ps.setString(2, k.id());
            ps.setString(3, k.user().value());
            ps.setString(4, k.memory().value());
            ps.setString(5, k.contextId());
            ps.setString(6, k.kind().wireName());
            ps.setInt(7, k.extracted() ? 1 : 0);
            ps.setLong(8, Codec.micros(k.at()));
            ps.executeUpdate();
          }
          return null;
        });
  }

  List<Correction> corrections(TenantId tenant, UserId user) {
    return db.read(
        tenant,
        "list corrections",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT correction_id, memory_id, context_id, kind, extracted, at FROM corrections"
                      + " WHERE tenant_id = ? AND user_id = ? ORDER BY at, correction_id")) {
            ps.setString(1, tenant.value());
            ps.setString(2, user.value());
            List<Correction> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new Correction(
                        rs.getString(1),
                        user,
                        MemoryId.of(rs.getString(2)),
                        rs.getString(3),
                        Correction.Kind.parse(rs.getString(4)),
                        rs.getInt(5) != 0,
                        Codec.instant(rs.getLong(6))));
              }
            }
            return out;
          }
        });
  }

  void addActivity(TenantId tenant, UserId user, LocalDate day, String session, int messages) {
    db.transaction(
        tenant,
        "record activity",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO user_activity (tenant_id, user_id, day, session_id, messages)"
                      + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, user_id, day, session_id)"
                      + " DO UPDATE SET messages = user_activity.messages + excluded.messages")) {
            ps.setString(1, tenant.value());
            ps.setString(2, user.value());
            ps.setString(3, day.toString());
            ps.setString(4, session);
            ps.setLong(5, messages);
            ps.executeUpdate();
          }
          return null;
        });
  }

  // ---- experiments ----

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

  /** Per user: the arm of most contexts, then feedback, corrections and activity, each grouped. */
  List<UserTally> tallies(TenantId tenant, String experiment, Instant from, Instant to) {
    return db.read(
        tenant,
        "tally experiment",
        c -> {
          long f = Codec.micros(from);
          long t = Codec.micros(to);
          Map<String, String> armOf = new HashMap<>();
          Map<String, Long> armContexts = new HashMap<>();
          Map<String, Long> contexts = new LinkedHashMap<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT user_id, arm, COUNT(*) FROM context_records WHERE tenant_id = ?"
                      + " AND experiment = ? AND arm IS NOT NULL AND at >= ? AND at < ?"
                      + " GROUP BY user_id, arm ORDER BY user_id, arm")) {
            ps.setString(1, tenant.value());
            ps.setString(2, experiment);
            ps.setLong(3, f);
            ps.setLong(4, t);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                String user = rs.getString(1);
                long n = rs.getLong(3);
                contexts.merge(user, n, Long::sum);
                if (n > armContexts.getOrDefault(user, -1L)) {
                  armContexts.put(user, n);
                  armOf.put(user, rs.getString(2));
                }
              }
            }
          }
          Map<String, long[]> signals = new HashMap<>();
          Map<String, Double> ratingSums = new HashMap<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT user_id, signal, COUNT(*), SUM(value) FROM feedback WHERE tenant_id = ?"
                      + " AND at >= ? AND at < ? GROUP BY user_id, signal")) {
            ps.setString(1, tenant.value());
            ps.setLong(2, f);
            ps.setLong(3, t);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                Feedback.Signal s = Feedback.Signal.parse("signal", rs.getString(2));
                signals.computeIfAbsent(rs.getString(1), u -> new long[5])[s.ordinal()] =
                    rs.getLong(3);
                if (s == Feedback.Signal.RATING) {
                  ratingSums.put(rs.getString(1), rs.getDouble(4));
                }
              }
            }
          }
          Map<String, Long> corrections =
              counts(
                  c,
                  "SELECT user_id, COUNT(*) FROM corrections WHERE tenant_id = ? AND at >= ?"
                      + " AND at < ? GROUP BY user_id",
                  tenant,
                  f,
                  t);
          Map<String, long[]> activity = new HashMap<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT user_id, COUNT(DISTINCT day),"
                      + " COUNT(DISTINCT CASE WHEN session_id <> '' THEN session_id END),"
                      + " SUM(messages) FROM user_activity WHERE tenant_id = ? AND day >= ?"
                      + " AND day <= ? GROUP BY user_id")) {
            ps.setString(1, tenant.value());
            ps.setString(2, LocalDate.ofInstant(from, ZoneOffset.UTC).toString());
            ps.setString(3, LocalDate.ofInstant(to.minusNanos(1), ZoneOffset.UTC).toString());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                activity.put(
                    rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4)});
              }
            }
          }
          List<UserTally> out = new ArrayList<>();
          for (Map.Entry<String, Long> e : contexts.entrySet()) {
            String user = e.getKey();
            long[] s = signals.getOrDefault(user, new long[5]);
            long[] a = activity.getOrDefault(user, new long[3]);
            out.add(
                new UserTally(
                    UserId.of(user),
                    armOf.get(user),
                    e.getValue(),
                    s[Feedback.Signal.THUMBS_UP.ordinal()],
                    s[Feedback.Signal.THUMBS_DOWN.ordinal()],
                    s[Feedback.Signal.RATING.ordinal()],
                    ratingSums.getOrDefault(user, 0.0),
                    s[Feedback.Signal.TASK_COMPLETED.ordinal()],
                    s[Feedback.Signal.TASK_ABANDONED.ordinal()],
                    corrections.getOrDefault(user, 0L),
                    a[0],
                    a[1],
                    a[2]));
          }
          return out;
        });
  }

  private static Map<String, Long> counts(
      Connection c, String sql, TenantId tenant, long from, long to) throws SQLException {
    Map<String, Long> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, tenant.value());
      ps.setLong(2, from);
      ps.setLong(3, to);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return out;
  }

  // ---- hourly figures ----

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
