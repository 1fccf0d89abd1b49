package dev.attune.store.jdbc;

import dev.attune.core.model.Category;
import dev.attune.core.model.ChangeKind;
import dev.attune.core.model.Embedding;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryChange;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.MemoryStatus;
import dev.attune.core.model.Origin;
import dev.attune.core.model.Provenance;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.MemoryQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** Memories and their history. */
final class MemoryTables {
  static final String COLUMNS =
      "memory_id, text, category, slot, confidence, origin, sources, valid_from, valid_to,"
          + " created_at, updated_at, superseded_at, superseded_by, status, pinned,"
          + " last_confirmed_at, embedding_model, embedding";

  private final Db db;
  private final Sealing sealing;

  MemoryTables(Db db, Sealing sealing) {
    this.db = db;
    this.sealing = sealing;
  }

  List<Memory> memories(TenantId tenant, UserId user, MemoryQuery query) {
    String statuses =
        query.statuses().stream().map(s -> "'" + s.name() + "'").collect(Collectors.joining(","));
    String categories =
        query.categories().isEmpty()
            ? ""
            : " AND category IN ("
                + query.categories().stream()
                    .map(k -> "'" + k.name() + "'")
                    .collect(Collectors.joining(","))
                + ")";
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM memories WHERE tenant_id = ? AND user_id = ?"
            + " AND status IN ("
            + statuses
            + ")"
            + categories
            + " ORDER BY created_at DESC, memory_id DESC LIMIT ? OFFSET ?";
    return db.read(
        tenant,
        "list memories",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant.value());
            ps.setString(2, user.value());
            ps.setInt(3, query.limit());
            ps.setInt(4, query.offset());
            List<Memory> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(memory(c, tenant, user, rs));
              }
            }
            return out;
          }
        });
  }

  long countActiveMemories(TenantId tenant) {
    return db.read(
        tenant,
        "count memories",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT count(*) FROM memories WHERE tenant_id = ? AND status = 'ACTIVE'")) {
            ps.setString(1, tenant.value());
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
  }

  Optional<Memory> findMemory(TenantId tenant, UserId user, MemoryId id) {
    return db.read(
        tenant,
        "find memory",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM memories"
                      + " WHERE tenant_id = ? AND user_id = ? AND memory_id = ?")) {
            ps.setString(1, tenant.value());
            ps.setString(2, user.value());
            ps.setString(3, id.value());
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(memory(c, tenant, user, rs)) : Optional.empty();
            }
          }
        });
  }

  /** At most this many ids in one statement's IN list (more are read in a few statements). */
  private static final int IDS_PER_STATEMENT = 500;

  List<Memory> findMemories(TenantId tenant, UserId user, List<MemoryId> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return db.read(
        tenant,
        "find memories",
        c -> {
          java.util.Map<MemoryId, Memory> found = new java.util.HashMap<>();
          for (int from = 0; from < ids.size(); from += IDS_PER_STATEMENT) {
            List<MemoryId> part = ids.subList(from, Math.min(ids.size(), from + IDS_PER_STATEMENT));
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT "
                        + COLUMNS
                        + " FROM memories WHERE tenant_id = ? AND user_id = ? AND memory_id IN ("
                        + String.join(", ", java.util.Collections.nCopies(part.size(), "?"))
                        + ")")) {
              ps.setString(1, tenant.value());
              ps.setString(2, user.value());
              for (int i = 0; i < part.size(); i++) {
                ps.setString(3 + i, part.get(i).value());
              }
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  Memory m = memory(c, tenant, user, rs);
                  found.put(m.id(), m);
                }
              }
            }
          }
          return ids.stream().map(found::get).filter(java.util.Objects::nonNull).toList();
        });
  }

  Memory memory(Connection c, TenantId tenant, UserId user, ResultSet rs) throws SQLException {
    Long validTo = Db.nullableLong(rs, 9);
    Long supersededAt = Db.nullableLong(rs, 12);
    String supersededBy = rs.getString(13);
    String model = rs.getString(17);
    float[] vector = Codec.vector(rs.getBytes(18));
    return new Memory(
        new MemoryId(rs.getString(1)),
        user,
        sealing.open(c, tenant, user, rs.getString(2)),
        Category.valueOf(rs.getString(3)),
        rs.getString(4),
        rs.getDouble(5),
        new Provenance(Origin.valueOf(rs.getString(6)), Codec.sources(rs.getString(7))),
        Codec.instant(rs.getLong(8)),
        validTo == null ? null : Codec.instant(validTo),
        Codec.instant(rs.getLong(10)),
        Codec.instant(rs.getLong(11)),
        supersededAt == null ? null : Codec.instant(supersededAt),
        supersededBy == null ? null : new MemoryId(supersededBy),
        MemoryStatus.valueOf(rs.getString(14)),
        rs.getInt(15) != 0,
        Codec.instant(rs.getLong(16)),
        model == null || vector == null ? null : new Embedding(model, vector));
  }

  List<MemoryChange> history(TenantId tenant, UserId user, MemoryId id) {
    return readHistory(tenant, user, id);
  }

  /** Every change to the user's memories, by memory, each oldest first: one read. */
  List<MemoryChange> userHistory(TenantId tenant, UserId user) {
    return readHistory(tenant, user, null);
  }

  private List<MemoryChange> readHistory(TenantId tenant, UserId user, @Nullable MemoryId id) {
    return db.read(
        tenant,
        "read history",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT at, kind, actor, before_text, after_text, related_id, message_ids,"
                      + " memory_id FROM memory_history WHERE tenant_id = ? AND user_id = ?"
                      + (id == null ? "" : " AND memory_id = ?")
                      + " ORDER BY memory_id, seq")) {
            ps.setString(1, tenant.value());
            ps.setString(2, user.value());
            if (id != null) {
              ps.setString(3, id.value());
            }
            List<MemoryChange> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                String related = rs.getString(6);
                out.add(
                    new MemoryChange(
                        new MemoryId(rs.getString(8)),
                        Codec.instant(rs.getLong(1)),
                        ChangeKind.valueOf(rs.getString(2)),
                        rs.getString(3),
                        sealing.open(c, tenant, user, rs.getString(4)),
                        sealing.open(c, tenant, user, rs.getString(5)),
                        related == null ? null : new MemoryId(related),
                        Codec.strings(rs.getString(7))));
              }
            }
            return out;
          }
        });
  }

  void upsertMemories(Connection c, TenantId tenant, UserId user, List<Memory> memories)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO memories (tenant_id, user_id, "
                + COLUMNS
                + ")"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (tenant_id, user_id, memory_id) DO UPDATE SET"
                + " text = excluded.text, category = excluded.category, slot = excluded.slot,"
                + " confidence = excluded.confidence, origin = excluded.origin,"
                + " sources = excluded.sources, valid_from = excluded.valid_from,"
                + " valid_to = excluded.valid_to, updated_at = excluded.updated_at,"
                + " superseded_at = excluded.superseded_at, superseded_by = excluded.superseded_by,"
                + " status = excluded.status, pinned = excluded.pinned,"
                + " last_confirmed_at = excluded.last_confirmed_at,"
                + " embedding_model = excluded.embedding_model, embedding = excluded.embedding")) {
      for (Memory m : memories) {
        Db.checkOwner(user, m.user());
        int i = 1;
        ps.setString(i++, tenant.value());
        ps.setString(i++, user.value());
        ps.setString(i++, m.id().value());
        ps.setString(i++, sealing.seal(c, tenant, user, m.text()));
        ps.setString(i++, m.category().name());
        ps.setString(i++, m.slot());
        ps.setDouble(i++, m.confidence());
        ps.setString(i++, m.provenance().origin().name());
        ps.setString(i++, Codec.json(m.provenance().sources()));
        ps.setLong(i++, Codec.micros(m.validFrom()));
        Db.setLong(ps, i++, Codec.microsOrNull(m.validTo()));
        ps.setLong(i++, Codec.micros(m.createdAt()));
        ps.setLong(i++, Codec.micros(m.updatedAt()));
        Db.setLong(ps, i++, Codec.microsOrNull(m.supersededAt()));
        ps.setString(i++, m.supersededBy() == null ? null : m.supersededBy().value());
        ps.setString(i++, m.status().name());
        ps.setInt(i++, m.pinned() ? 1 : 0);
        ps.setLong(i++, Codec.micros(m.lastConfirmedAt()));
        ps.setString(i++, m.embedding() == null ? null : m.embedding().model());
        ps.setBytes(i, m.embedding() == null ? null : Codec.vector(m.embedding().vector()));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  void appendHistory(Connection c, TenantId tenant, UserId user, List<MemoryChange> changes)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO memory_history (tenant_id, user_id, memory_id, at, kind, actor,"
                + " before_text, after_text, related_id, message_ids)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (MemoryChange ch : changes) {
        ps.setString(1, tenant.value());
        ps.setString(2, user.value());
        ps.setString(3, ch.memory().value());
        ps.setLong(4, Codec.micros(ch.at()));
        ps.setString(5, ch.kind().name());
        ps.setString(6, ch.actor());
        ps.setString(7, sealing.seal(c, tenant, user, ch.before()));
        ps.setString(8, sealing.seal(c, tenant, user, ch.after()));
        ps.setString(9, ch.related() == null ? null : ch.related().value());
        ps.setString(10, Codec.json(ch.messageIds()));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
