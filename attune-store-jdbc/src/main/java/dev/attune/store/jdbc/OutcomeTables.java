package dev.attune.store.jdbc;

import dev.attune.core.effectiveness.Correction;
import dev.attune.core.effectiveness.ExperimentResults.UserTally;
import dev.attune.core.effectiveness.Feedback;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.EffectivenessStore;
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
import java.util.Map;

/**
 * The feedback, corrections and user_activity tables, and each user's tally of them for an
 * experiment's results. Feedback comments are sealed like every user's text.
 */
final class OutcomeTables {
  private final Db db;
  private final Sealing sealing;

  OutcomeTables(Db db, Sealing sealing) {
    this.db = db;
    this.sealing = sealing;
  }

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

  List<EffectivenessStore.UserActivity> usersByActivity(
      TenantId tenant, String idContains, int offset, int limit) {
    return db.read(
        tenant,
        "list users by activity",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT u.user_id, MAX(a.day) AS last_day, u.created_at FROM users u"
                      + " LEFT JOIN user_activity a"
                      + " ON a.tenant_id = u.tenant_id AND a.user_id = u.user_id"
                      + " WHERE u.tenant_id = ? AND u.user_id LIKE ? ESCAPE '\\'"
                      + " GROUP BY u.user_id, u.created_at"
                      + " ORDER BY MAX(a.day) IS NULL, MAX(a.day) DESC, u.user_id"
                      + " LIMIT ? OFFSET ?")) {
            ps.setString(1, tenant.value());
            ps.setString(2, "%" + likeLiteral(idContains) + "%");
            ps.setInt(3, limit);
            ps.setInt(4, offset);
            List<EffectivenessStore.UserActivity> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                String day = rs.getString(2);
                out.add(
                    new EffectivenessStore.UserActivity(
                        new UserId(rs.getString(1)),
                        day == null ? null : LocalDate.parse(day),
                        Codec.instant(rs.getLong(3))));
              }
            }
            return out;
          }
        });
  }

  /** {@code text} matched literally inside a LIKE pattern (escape character: backslash). */
  private static String likeLiteral(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
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
}
