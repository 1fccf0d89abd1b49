package dev.attune.store.jdbc;

import dev.attune.core.ConflictException;
import dev.attune.core.StoreException;
import dev.attune.core.model.ApiKey;
import dev.attune.core.model.AuditEntry;
import dev.attune.core.model.Category;
import dev.attune.core.model.ChangeKind;
import dev.attune.core.model.Embedding;
import dev.attune.core.model.Episode;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryChange;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.MemoryStatus;
import dev.attune.core.model.Observation;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.OrgProfile;
import dev.attune.core.model.Origin;
import dev.attune.core.model.Provenance;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.model.UserRecord;
import dev.attune.core.port.EpisodeQuery;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.port.Store;
import dev.attune.core.port.UsageMeter;
import dev.attune.core.port.UsageRow;
import dev.attune.core.port.UserWrite;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A store over JDBC: the tables, statements and encodings shared by the SQLite and PostgreSQL
 * adapters. Every statement is keyed by tenant first, and runs through the {@link Dialect} (which
 * on PostgreSQL also sets the tenant for row-level security, so a statement that forgot its filter
 * still sees only its tenant's rows). Times are epoch microseconds, vectors float32 blobs, lists
 * and profiles JSON text.
 *
 * <p>Thread-safe. Each write method is one transaction.
 */
public abstract class JdbcStore implements Store {
  private static final String MEMORY_COLUMNS =
      "memory_id, text, category, slot, confidence, origin, sources, valid_from, valid_to,"
          + " created_at, updated_at, superseded_at, superseded_by, status, pinned,"
          + " last_confirmed_at, embedding_model, embedding";
  private static final String EPISODE_COLUMNS =
      "message_id, role, speaker, content, session_id, ts, embedding_model, embedding";

  protected final Db db;
  protected final @Nullable Encryption encryption;
  private final AccessTables access;
  private final ObservationTables observations;

  protected JdbcStore(Db db) {
    this(db, null);
  }

  /**
   * @param encryption seals users' text at rest; null stores it as it is
   */
  protected JdbcStore(Db db, @Nullable Encryption encryption) {
    this.db = db;
    this.encryption = encryption;
    this.access = new AccessTables(db);
    this.observations = new ObservationTables(db, this);
  }

  /** True when users' text is sealed at rest. */
  public boolean encrypted() {
    return encryption != null;
  }

  /** A user's value as stored: sealed under their data key when encryption is on. */
  @Nullable String seal(Connection c, TenantId tenant, UserId user, @Nullable String value)
      throws SQLException {
    return encryption == null ? value : encryption.seal(c, tenant, user, value);
  }

  /** A user's stored value, opened. */
  @Nullable String open(Connection c, TenantId tenant, UserId user, @Nullable String stored)
      throws SQLException {
    if (encryption == null) {
      if (stored != null && stored.startsWith(Encryption.PREFIX)) {
        throw new StoreException(
            "the store holds encrypted data but no master key is configured", false, null);
      }
      return stored;
    }
    return encryption.open(c, tenant, user, stored);
  }

  /**
   * Before a write for the user: their data key exists (committed first, in its own transaction).
   */
  void prepareKey(TenantId tenant, UserId user) {
    if (encryption != null) {
      encryption.ensureKey(db, tenant, user);
    }
  }

  /**
   * Wraps every data key with {@code next} in place of the current master key (the data itself is
   * not re-encrypted). Afterwards the store must be opened with {@code next}.
   *
   * @throws IllegalStateException when the store is not encrypted
   */
  public int rotateMasterKey(MasterKey next) {
    if (encryption == null) {
      throw new IllegalStateException("this store is not encrypted: there is no master key");
    }
    return encryption.rewrap(db, next);
  }

  /** After rows were deleted (retention, erasure): SQLite moves its WAL into the file here. */
  protected void afterDelete() {}

  /**
   * First in every write for one user, inside its transaction: PostgreSQL serializes a user's
   * writes across processes here.
   */
  protected void lockUser(Connection c, TenantId tenant, UserId user) throws SQLException {}

  /**
   * Last in every write that changes what a user's context holds, inside its transaction:
   * PostgreSQL tells the other processes here, so they drop their cached working set.
   */
  protected void changed(Connection c, TenantId tenant, UserId user) throws SQLException {}

  // ---- users ----

  @Override
  public Optional<UserRecord> findUser(TenantId tenant, UserId user) {
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
                      Codec.userProfile(open(c, tenant, user, rs.getString(2))),
                      Codec.instant(rs.getLong(3)),
                      Codec.instant(rs.getLong(4))));
            }
          }
        });
  }

  @Override
  public List<UserId> users(TenantId tenant, @Nullable UserId after, int limit) {
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

  @Override
  public List<TenantId> tenants() {
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

  @Override
  public long deleteEpisodesBefore(TenantId tenant, Instant cutoff) {
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
    if (deleted > 0) {
      afterDelete();
    }
    return deleted;
  }

  // ---- memories ----

  @Override
  public List<Memory> memories(TenantId tenant, UserId user, MemoryQuery query) {
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
            + MEMORY_COLUMNS
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

  @Override
  public long countActiveMemories(TenantId tenant) {
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

  @Override
  public Optional<Memory> findMemory(TenantId tenant, UserId user, MemoryId id) {
    return db.read(
        tenant,
        "find memory",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + MEMORY_COLUMNS
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

  private Memory memory(Connection c, TenantId tenant, UserId user, ResultSet rs)
      throws SQLException {
    Long validTo = Db.nullableLong(rs, 9);
    Long supersededAt = Db.nullableLong(rs, 12);
    String supersededBy = rs.getString(13);
    String model = rs.getString(17);
    float[] vector = Codec.vector(rs.getBytes(18));
    return new Memory(
        new MemoryId(rs.getString(1)),
        user,
        open(c, tenant, user, rs.getString(2)),
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

  // ---- episodes ----

  @Override
  public List<Episode> episodes(TenantId tenant, UserId user, EpisodeQuery query) {
    String session = query.sessionId() == null ? "" : " AND session_id = ?";
    String sql =
        "SELECT "
            + EPISODE_COLUMNS
            + " FROM (SELECT seq, "
            + EPISODE_COLUMNS
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
                out.add(episode(c, tenant, rs, user));
              }
            }
            return out;
          }
        });
  }

  /** An episode from a row of {@link #EPISODE_COLUMNS}. */
  private Episode episode(Connection c, TenantId tenant, ResultSet rs, UserId user)
      throws SQLException {
    String model = rs.getString(7);
    float[] vector = Codec.vector(rs.getBytes(8));
    return new Episode(
        rs.getString(1),
        user,
        Role.valueOf(rs.getString(2)),
        rs.getString(3),
        open(c, tenant, user, rs.getString(4)),
        rs.getString(5),
        Codec.instant(rs.getLong(6)),
        model == null || vector == null ? null : new Embedding(model, vector));
  }

  @Override
  public Set<String> knownMessageIds(TenantId tenant, UserId user, Collection<String> messageIds) {
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

  // ---- history ----

  @Override
  public List<MemoryChange> history(TenantId tenant, UserId user, MemoryId id) {
    return db.read(
        tenant,
        "read history",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT at, kind, actor, before_text, after_text, related_id, message_ids"
                      + " FROM memory_history WHERE tenant_id = ? AND user_id = ? AND memory_id = ?"
                      + " ORDER BY seq")) {
            ps.setString(1, tenant.value());
            ps.setString(2, user.value());
            ps.setString(3, id.value());
            List<MemoryChange> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                String related = rs.getString(6);
                out.add(
                    new MemoryChange(
                        id,
                        Codec.instant(rs.getLong(1)),
                        ChangeKind.valueOf(rs.getString(2)),
                        rs.getString(3),
                        open(c, tenant, user, rs.getString(4)),
                        open(c, tenant, user, rs.getString(5)),
                        related == null ? null : new MemoryId(related),
                        Codec.strings(rs.getString(7))));
              }
            }
            return out;
          }
        });
  }

  // ---- writes ----

  @Override
  public void write(TenantId tenant, UserId user, UserWrite write) {
    prepareKey(tenant, user);
    db.transaction(
        tenant,
        "write",
        c -> {
          lockUser(c, tenant, user);
          if (write.user() != null) {
            UserRecord u = write.user();
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO users (tenant_id, user_id, org_id, profile, created_at, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, user_id) DO UPDATE SET"
                        + " org_id = excluded.org_id, profile = excluded.profile,"
                        + " updated_at = excluded.updated_at")) {
              ps.setString(1, tenant.value());
              ps.setString(2, user.value());
              ps.setString(3, u.org() == null ? null : u.org().value());
              ps.setString(4, seal(c, tenant, user, Codec.json(u.profile())));
              ps.setLong(5, Codec.micros(u.createdAt()));
              ps.setLong(6, Codec.micros(u.updatedAt()));
              ps.executeUpdate();
            }
          } else {
            touchUser(c, tenant, user, write.at());
          }
          if (!write.extracted().isEmpty()) {
            completeExtraction(c, tenant, user, write.extracted());
          }
          if (!write.episodes().isEmpty()) {
            upsertEpisodes(c, tenant, user, write.episodes());
          }
          if (!write.awaitingExtraction().isEmpty()) {
            markAwaiting(c, tenant, user, write.awaitingExtraction(), write.at());
          }
          if (!write.memories().isEmpty()) {
            upsertMemories(c, tenant, user, write.memories());
          }
          if (!write.changes().isEmpty()) {
            appendHistory(c, tenant, user, write.changes());
          }
          if (!write.audit().isEmpty()) {
            AccessTables.insertAudit(c, tenant, write.audit());
          }
          changed(c, tenant, user);
          return null;
        });
  }

  /** Creates a bare user row if missing, else advances its update time. */
  private static void touchUser(Connection c, TenantId tenant, UserId user, Instant now)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO users (tenant_id, user_id, org_id, profile, created_at, updated_at)"
                + " VALUES (?, ?, NULL, ?, ?, ?) ON CONFLICT (tenant_id, user_id) DO UPDATE SET"
                + " updated_at = excluded.updated_at")) {
      ps.setString(1, tenant.value());
      ps.setString(2, user.value());
      ps.setString(3, Codec.json(dev.attune.core.model.UserProfile.empty()));
      ps.setLong(4, Codec.micros(now));
      ps.setLong(5, Codec.micros(now));
      ps.executeUpdate();
    }
  }

  private void upsertEpisodes(Connection c, TenantId tenant, UserId user, List<Episode> episodes)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO episodes (tenant_id, user_id, "
                + EPISODE_COLUMNS
                + ")"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (tenant_id, user_id, message_id) DO UPDATE SET"
                + " role = excluded.role, speaker = excluded.speaker, content = excluded.content,"
                + " session_id = excluded.session_id, ts = excluded.ts,"
                + " embedding_model = excluded.embedding_model, embedding = excluded.embedding")) {
      for (Episode e : episodes) {
        checkOwner(user, e.user());
        ps.setString(1, tenant.value());
        ps.setString(2, user.value());
        ps.setString(3, e.messageId());
        ps.setString(4, e.role().name());
        ps.setString(5, e.speaker());
        ps.setString(6, seal(c, tenant, user, e.content()));
        ps.setString(7, e.sessionId());
        ps.setLong(8, Codec.micros(e.timestamp()));
        ps.setString(9, e.embedding() == null ? null : e.embedding().model());
        ps.setBytes(10, e.embedding() == null ? null : Codec.vector(e.embedding().vector()));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Clears the extraction flag of every id, or throws if any was not awaiting extraction. */
  private static void completeExtraction(
      Connection c, TenantId tenant, UserId user, Set<String> ids) throws SQLException {
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

  private static void markAwaiting(
      Connection c, TenantId tenant, UserId user, Set<String> ids, Instant at) throws SQLException {
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

  // ---- the extraction buffer ----

  @Override
  public List<AwaitingExtraction> awaitingExtraction(Instant now, int limit) {
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

  @Override
  public List<Episode> episodesAwaitingExtraction(
      TenantId tenant, UserId user, Instant now, int limit) {
    return db.read(
        tenant,
        "read messages awaiting extraction",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + EPISODE_COLUMNS
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
                out.add(episode(c, tenant, rs, user));
              }
            }
            return out;
          }
        });
  }

  @Override
  public int deferExtraction(
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

  @Override
  public boolean claimExtraction(
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

  @Override
  public void releaseExtraction(TenantId tenant, UserId user, String worker) {
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

  @Override
  public ExtractionBacklog extractionBacklog(TenantId tenant) {
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

  private void upsertMemories(Connection c, TenantId tenant, UserId user, List<Memory> memories)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO memories (tenant_id, user_id, "
                + MEMORY_COLUMNS
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
        checkOwner(user, m.user());
        int i = 1;
        ps.setString(i++, tenant.value());
        ps.setString(i++, user.value());
        ps.setString(i++, m.id().value());
        ps.setString(i++, seal(c, tenant, user, m.text()));
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

  private void appendHistory(Connection c, TenantId tenant, UserId user, List<MemoryChange> changes)
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
        ps.setString(7, seal(c, tenant, user, ch.before()));
        ps.setString(8, seal(c, tenant, user, ch.after()));
        ps.setString(9, ch.related() == null ? null : ch.related().value());
        ps.setString(10, Codec.json(ch.messageIds()));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** A write for one user must only carry that user's records. */
  private static void checkOwner(UserId user, UserId owner) {
    if (!user.equals(owner)) {
      throw new IllegalArgumentException(
          "a write for user " + user + " carries a record of " + owner);
    }
  }

  @Override
  public boolean forget(TenantId tenant, UserId user) {
    boolean existed =
        db.transaction(
            tenant,
            "forget user",
            c -> {
              lockUser(c, tenant, user);
              if (encryption != null) {
                encryption.destroyKey(c, tenant, user); // crypto-shredding
              }
              int rows = 0;
              for (String table :
                  List.of("memory_history", "memories", "episodes", "observations", "users")) {
                try (PreparedStatement ps =
                    c.prepareStatement(
                        "DELETE FROM " + table + " WHERE tenant_id = ? AND user_id = ?")) {
                  ps.setString(1, tenant.value());
                  ps.setString(2, user.value());
                  rows += ps.executeUpdate();
                }
              }
              // The audit log keeps what happened, but no longer says to whom.
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "UPDATE audit_log SET user_id = ? WHERE tenant_id = ? AND user_id = ?")) {
                ps.setString(1, Pseudonym.of(tenant, user));
                ps.setString(2, tenant.value());
                ps.setString(3, user.value());
                ps.executeUpdate();
              }
              changed(c, tenant, user);
              return rows > 0;
            });
    afterDelete();
    return existed;
  }

  // ---- orgs ----

  @Override
  public Optional<OrgProfile> findOrg(TenantId tenant, OrgId org) {
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

  @Override
  public List<OrgId> orgs(TenantId tenant) {
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

  @Override
  public void putOrg(TenantId tenant, OrgId org, OrgProfile profile) {
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

  @Override
  public boolean deleteOrg(TenantId tenant, OrgId org) {
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

  // ---- access ----

  @Override
  public void putKey(ApiKey key) {
    access.putKey(key);
  }

  @Override
  public Optional<ApiKey> findKey(String id) {
    return access.findKey(id);
  }

  @Override
  public List<ApiKey> keys(TenantId tenant) {
    return access.keys(tenant);
  }

  @Override
  public boolean anyKeys() {
    return access.anyKeys();
  }

  @Override
  public void appendAudit(TenantId tenant, List<AuditEntry> entries) {
    access.appendAudit(tenant, entries);
  }

  @Override
  public List<AuditEntry> audit(
      TenantId tenant, @Nullable UserId user, @Nullable Instant before, int limit) {
    return access.audit(tenant, user, before, limit);
  }

  @Override
  public void recordUsage(UsageMeter.ModelCall call, Instant at) {
    access.recordUsage(call, at);
  }

  @Override
  public void putUsage(TenantId tenant, UsageRow row) {
    access.putUsage(tenant, row);
  }

  @Override
  public List<UsageRow> usage(TenantId tenant, LocalDate from, LocalDate to) {
    return access.usage(tenant, from, to);
  }

  // ---- observations ----

  @Override
  public void enqueue(TenantId tenant, Observation observation) {
    observations.enqueue(tenant, observation);
  }

  @Override
  public List<Claimed> claim(String worker, Instant now, Duration lease, int limit) {
    return observations.claim(worker, now, lease, limit);
  }

  @Override
  public boolean finish(TenantId tenant, String worker, Observation finished) {
    return observations.finish(tenant, worker, finished);
  }

  @Override
  public void release(TenantId tenant, String worker, String id) {
    observations.release(tenant, worker, id);
  }

  @Override
  public Optional<Observation> findObservation(TenantId tenant, String id) {
    return observations.findObservation(tenant, id);
  }

  @Override
  public void close() {
    db.close();
  }
}
