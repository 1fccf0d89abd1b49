package dev.attune.store.jdbc;

import dev.attune.core.api.ExtractionBacklog;
import dev.attune.core.model.ConflictException;
import dev.attune.core.model.Episode;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.MemoryStore.AwaitingExtraction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The extraction buffer: messages stored for a batched extractor (a chat model), their retries, and
 * the per-user claim that gives a batch to one process.
 */
final class ExtractionTables {
  private final Db db;
  private final EpisodeTables episodes;

  ExtractionTables(Db db, EpisodeTables episodes) {
    this.db = db;
    this.episodes = episodes;
  }

  /** Clears the extraction flag of every id, or throws if any was not awaiting extraction. */
  static void completeExtraction(Connection c, TenantId tenant, UserId user, Set<String> ids)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE episodes SET extraction_state = 0, extraction_retry_at = NULL"
                + " WHERE tenant_id = ? AND user_id = ? AND message_id = ?"
                + " AND extraction_state = 1")) {
      int done = 0;
      for (String id : ids) {
        ps.setString(1, tenant.value());
        ps.setString(2, user.value());
        ps.setString(3, id);
        done += ps.executeUpdate();
      }
      if (done != ids.size()) {
        throw new ConflictException(
            "the extraction of "
                + (ids.size() - done)
                + " message(s) was completed by another process; nothing was written");
      }
    }
  }

  static void markAwaiting(Connection c, TenantId tenant, UserId user, Set<String> ids, Instant at)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE episodes SET extraction_state = 1, arrived_at = ?"
                + " WHERE tenant_id = ? AND user_id = ? AND message_id = ?")) {
      for (String id : ids) {
        ps.setLong(1, Codec.micros(at));
        ps.setString(2, tenant.value());
        ps.setString(3, user.value());
        ps.setString(4, id);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  List<AwaitingExtraction> awaitingExtraction(Instant now, int limit) {
    return db.read(
        null,
        "list users awaiting extraction",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT tenant_id, user_id, COUNT(*), MAX(arrived_at) FROM episodes"
                      + " WHERE extraction_state = 1"
                      + " AND (extraction_retry_at IS NULL OR extraction_retry_at <= ?)"
                      + " GROUP BY tenant_id, user_id ORDER BY MIN(seq) LIMIT ?")) {
            ps.setLong(1, Codec.micros(now));
            ps.setInt(2, limit);
            List<AwaitingExtraction> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                long arrived = rs.getLong(4);
                out.add(
                    new AwaitingExtraction(
                        new TenantId(rs.getString(1)),
                        new UserId(rs.getString(2)),
                        rs.getInt(3),
                        rs.wasNull() ? now : Codec.instant(arrived)));
              }
            }
            return out;
          }
        });
  }

  List<Episode> episodesAwaitingExtraction(TenantId tenant, UserId user, Instant now, int limit) {
    return db.read(
        tenant,
        "read messages awaiting extraction",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + EpisodeTables.COLUMNS
                      + " FROM episodes WHERE tenant_id = ? AND user_id = ?"
                      + " AND extraction_state = 1"
                      + " AND (extraction_retry_at IS NULL OR extraction_retry_at <= ?)"
                      + " ORDER BY seq LIMIT ?")) {
            ps.setString(1, tenant.value());
            ps.setString(2, user.value());
            ps.setLong(3, Codec.micros(now));
            ps.setInt(4, limit);
            List<Episode> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(episodes.row(c, tenant, rs, user));
              }
            }
            return out;
          }
        });
  }

  int deferExtraction(
      TenantId tenant,
      UserId user,
      Collection<String> messageIds,
      java.util.function.IntFunction<Instant> retryAt) {
    if (messageIds.isEmpty()) {
      return 0;
    }
    return db.transaction(
        tenant,
        "defer extraction",
        c -> {
          int highest = 0;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT extraction_attempts FROM episodes WHERE tenant_id = ? AND user_id = ?"
                      + " AND message_id = ? AND extraction_state = 1")) {
            for (String id : messageIds) {
              ps.setString(1, tenant.value());
              ps.setString(2, user.value());
              ps.setString(3, id);
              try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                  highest = Math.max(highest, rs.getInt(1));
                }
              }
            }
          }
          int failures = highest + 1;
          long at = Codec.micros(retryAt.apply(failures));
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE episodes SET extraction_attempts = ?, extraction_retry_at = ?"
                      + " WHERE tenant_id = ? AND user_id = ? AND message_id = ?"
                      + " AND extraction_state = 1")) {
            for (String id : messageIds) {
              ps.setInt(1, failures);
              ps.setLong(2, at);
              ps.setString(3, tenant.value());
              ps.setString(4, user.value());
              ps.setString(5, id);
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return failures;
        });
  }

  boolean claimExtraction(
      TenantId tenant, UserId user, String worker, Instant now, Instant leaseUntil) {
    return db.transaction(
        tenant,
        "claim extraction",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE users SET extraction_worker = ?, extraction_lease_until = ?"
                      + " WHERE tenant_id = ? AND user_id = ? AND (extraction_worker IS NULL"
                      + " OR extraction_worker = ? OR extraction_lease_until < ?)")) {
            ps.setString(1, worker);
            ps.setLong(2, Codec.micros(leaseUntil));
            ps.setString(3, tenant.value());
            ps.setString(4, user.value());
            ps.setString(5, worker);
            ps.setLong(6, Codec.micros(now));
            return ps.executeUpdate() == 1;
          }
        });
  }

  void releaseExtraction(TenantId tenant, UserId user, String worker) {
    db.transaction(
        tenant,
        "release extraction",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE users SET extraction_worker = NULL, extraction_lease_until = NULL"
                      + " WHERE tenant_id = ? AND user_id = ? AND extraction_worker = ?")) {
            ps.setString(1, tenant.value());
            ps.setString(2, user.value());
            ps.setString(3, worker);
            ps.executeUpdate();
          }
          return null;
        });
  }

  ExtractionBacklog extractionBacklog(TenantId tenant) {
    return db.read(
        tenant,
        "count messages awaiting extraction",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT COUNT(*),"
                      + " COALESCE(SUM(CASE WHEN extraction_attempts > 0 THEN 1 ELSE 0 END), 0)"
                      + " FROM episodes"
                      + " WHERE tenant_id = ? AND extraction_state = 1")) {
            ps.setString(1, tenant.value());
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return new ExtractionBacklog(rs.getLong(1), rs.getLong(2));
            }
          }
        });
  }
}
