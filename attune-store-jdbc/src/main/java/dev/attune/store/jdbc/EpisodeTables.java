package dev.attune.store.jdbc;

import dev.attune.core.model.Embedding;
import dev.attune.core.model.Episode;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.EpisodeQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Observed messages (episodes). */
final class EpisodeTables {
  static final String COLUMNS =
      "message_id, role, speaker, content, session_id, ts, embedding_model, embedding";

  private final Db db;
  private final Sealing sealing;

  EpisodeTables(Db db, Sealing sealing) {
    this.db = db;
    this.sealing = sealing;
  }

  List<Episode> episodes(TenantId tenant, UserId user, EpisodeQuery query) {
    String session = query.sessionId() == null ? "" : " AND session_id = ?";
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM (SELECT seq, "
            + COLUMNS
            + " FROM episodes"
            + " WHERE tenant_id = ? AND user_id = ?"
            + session
            + " ORDER BY ts DESC, seq DESC LIMIT ?) AS recent ORDER BY ts, seq";
    return db.read(
        tenant,
        "list episodes",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, tenant.value());
            ps.setString(i++, user.value());
            if (query.sessionId() != null) {
              ps.setString(i++, query.sessionId());
            }
            ps.setInt(i, query.limit());
            List<Episode> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(row(c, tenant, rs, user));
              }
            }
            return out;
          }
        });
  }

  /** An episode from a row of {@link #COLUMNS}. */
  Episode row(Connection c, TenantId tenant, ResultSet rs, UserId user) throws SQLException {
    String model = rs.getString(7);
    float[] vector = Codec.vector(rs.getBytes(8));
    return new Episode(
        rs.getString(1),
        user,
        Role.valueOf(rs.getString(2)),
        rs.getString(3),
        sealing.open(c, tenant, user, rs.getString(4)),
        rs.getString(5),
        Codec.instant(rs.getLong(6)),
        model == null || vector == null ? null : new Embedding(model, vector));
  }

  Set<String> knownMessageIds(TenantId tenant, UserId user, Collection<String> messageIds) {
    if (messageIds.isEmpty()) {
      return Set.of();
    }
    List<String> ids = List.copyOf(messageIds);
    return db.read(
        tenant,
        "find messages",
        c -> {
          Set<String> known = new HashSet<>();
          for (int from = 0; from < ids.size(); from += 500) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
            String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT message_id FROM episodes WHERE tenant_id = ? AND user_id = ?"
                        + " AND message_id IN ("
                        + marks
                        + ")")) {
              ps.setString(1, tenant.value());
              ps.setString(2, user.value());
              for (int i = 0; i < chunk.size(); i++) {
                ps.setString(3 + i, chunk.get(i));
              }
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  known.add(rs.getString(1));
                }
              }
            }
          }
          return known;
        });
  }

  void upsertEpisodes(Connection c, TenantId tenant, UserId user, List<Episode> episodes)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO episodes (tenant_id, user_id, "
                + COLUMNS
                + ")"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (tenant_id, user_id, message_id) DO UPDATE SET"
                + " role = excluded.role, speaker = excluded.speaker, content = excluded.content,"
                + " session_id = excluded.session_id, ts = excluded.ts,"
                + " embedding_model = excluded.embedding_model, embedding = excluded.embedding")) {
      for (Episode e : episodes) {
        Db.checkOwner(user, e.user());
        ps.setString(1, tenant.value());
        ps.setString(2, user.value());
        ps.setString(3, e.messageId());
        ps.setString(4, e.role().name());
        ps.setString(5, e.speaker());
        ps.setString(6, sealing.seal(c, tenant, user, e.content()));
        ps.setString(7, e.sessionId());
        ps.setLong(8, Codec.micros(e.timestamp()));
        ps.setString(9, e.embedding() == null ? null : e.embedding().model());
        ps.setBytes(10, e.embedding() == null ? null : Codec.vector(e.embedding().vector()));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  long deleteEpisodesBefore(TenantId tenant, Instant cutoff) {
    long deleted =
        db.transaction(
            tenant,
            "delete expired episodes",
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement("DELETE FROM episodes WHERE tenant_id = ? AND ts < ?")) {
                ps.setString(1, tenant.value());
                ps.setLong(2, Codec.micros(cutoff));
                return (long) ps.executeUpdate();
              }
            });
    return deleted;
  }
}
