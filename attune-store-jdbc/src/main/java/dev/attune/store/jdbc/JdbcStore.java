package dev.attune.store.jdbc;

import dev.attune.core.api.ExtractionBacklog;
import dev.attune.core.model.ApiKey;
import dev.attune.core.model.AuditEntry;
import dev.attune.core.model.Episode;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryChange;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.Observation;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.OrgProfile;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.model.UserRecord;
import dev.attune.core.port.EpisodeQuery;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.port.ObservationLog;
import dev.attune.core.port.Store;
import dev.attune.core.port.UsageMeter;
import dev.attune.core.port.UsageRow;
import dev.attune.core.port.UserWrite;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A store over JDBC: the tables, statements and encodings shared by the SQLite and PostgreSQL
 * adapters, each table family in a class of its own ({@link UserTables}, {@link MemoryTables},
 * {@link EpisodeTables}, {@link ExtractionTables}, {@link AccessTables}, {@link ObservationTables},
 * {@link ContextRecordTables}, {@link OutcomeTables}, {@link ExperimentTables}, {@link
 * FigureTables}). Every statement is keyed by tenant first, and runs through the {@link Dialect},
 * where all that differs by database lives (on PostgreSQL it also sets the tenant for row-level
 * security, so a statement that forgot its filter still sees only its tenant's rows). Times are
 * epoch microseconds, vectors float32 blobs, lists and profiles JSON text.
 *
 * <p>Thread-safe. Each write method is one transaction.
 */
public abstract class JdbcStore extends JdbcEffects implements Store {
  protected final Db db;
  private final Sealing sealing;
  private final UserTables users;
  private final MemoryTables memories;
  private final EpisodeTables episodes;
  private final ExtractionTables extraction;
  private final AccessTables access;
  private final ObservationTables observations;

  protected JdbcStore(Db db) {
    this(db, (Encryption) null);
  }

  /**
   * @param encryption seals users' text at rest; null stores it as it is
   */
  protected JdbcStore(Db db, @Nullable Encryption encryption) {
    this(db, new Sealing(db, encryption));
  }

  private JdbcStore(Db db, Sealing sealing) {
    super(db, sealing);
    this.db = db;
    this.sealing = sealing;
    this.users = new UserTables(db, sealing);
    this.memories = new MemoryTables(db, sealing);
    this.episodes = new EpisodeTables(db, sealing);
    this.extraction = new ExtractionTables(db, episodes);
    this.access = new AccessTables(db);
    this.observations = new ObservationTables(db, sealing);
  }

  /** True when users' text is sealed at rest. */
  public boolean encrypted() {
    return sealing.on();
  }

  /**
   * Wraps every data key with {@code next} in place of the current master key (the data itself is
   * not re-encrypted). Afterwards the store must be opened with {@code next}.
   *
   * @throws IllegalStateException when the store is not encrypted
   */
  public int rotateMasterKey(MasterKey next) {
    Encryption encryption = sealing.encryption();
    if (encryption == null) {
      throw new IllegalStateException("this store is not encrypted: there is no master key");
    }
    return encryption.rewrap(db, next);
  }

  // ---- writes ----

  @Override
  public void write(TenantId tenant, UserId user, UserWrite write) {
    sealing.prepareKey(tenant, user);
    db.transaction(
        tenant,
        "write",
        c -> {
          db.dialect().lockUser(c, tenant, user);
          if (write.observation() != null) {
            ObservationTables.requireLearning(c, tenant, write.observation());
          }
          if (write.user() != null) {
            users.upsert(c, tenant, user, write.user());
          } else {
            users.touchUser(c, tenant, user, write.at());
          }
          if (!write.extracted().isEmpty()) {
            ExtractionTables.completeExtraction(c, tenant, user, write.extracted());
          }
          if (!write.episodes().isEmpty()) {
            episodes.upsertEpisodes(c, tenant, user, write.episodes());
          }
          if (!write.awaitingExtraction().isEmpty()) {
            ExtractionTables.markAwaiting(c, tenant, user, write.awaitingExtraction(), write.at());
          }
          if (!write.memories().isEmpty()) {
            memories.upsertMemories(c, tenant, user, write.memories());
          }
          if (!write.changes().isEmpty()) {
            memories.appendHistory(c, tenant, user, write.changes());
          }
          if (!write.audit().isEmpty()) {
            AccessTables.insertAudit(c, tenant, write.audit());
          }
          db.dialect().changed(c, tenant, user);
          return null;
        });
  }

  /** Tables whose primary key is (tenant_id, this column), with an index on the user. */
  private static final Map<String, String> KEYED_BY_TENANT_AND_ID =
      Map.of(
          "context_records",
          "context_id",
          "feedback",
          "feedback_id",
          "corrections",
          "correction_id");

  @Override
  public boolean forget(TenantId tenant, UserId user) {
    boolean existed =
        db.transaction(
            tenant,
            "forget user",
            c -> {
              db.dialect().lockUser(c, tenant, user);
              if (sealing.encryption() != null) {
                sealing.encryption().destroyKey(c, tenant, user); // crypto-shredding
              }
              int rows = 0;
              for (String table :
                  List.of(
                      "memory_history",
                      "memories",
                      "episodes",
                      "observations",
                      "context_records",
                      "feedback",
                      "corrections",
                      "user_activity",
                      "users")) {
                String key = KEYED_BY_TENANT_AND_ID.get(table);
                // Tables keyed by (tenant_id, id): named through the user's index, which SQLite's
                // planner would otherwise skip for the primary key when it has no statistics
                // (every row of the tenant read, under the write lock).
                String sql =
                    key == null
                        ? "DELETE FROM " + table + " WHERE tenant_id = ? AND user_id = ?"
                        : "DELETE FROM "
                            + table
                            + " WHERE tenant_id = ? AND "
                            + key
                            + " IN (SELECT "
                            + key
                            + " FROM "
                            + table
                            + " WHERE tenant_id = ? AND user_id = ?)";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                  ps.setString(1, tenant.value());
                  if (key == null) {
                    ps.setString(2, user.value());
                  } else {
                    ps.setString(2, tenant.value());
                    ps.setString(3, user.value());
                  }
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
              db.dialect().changed(c, tenant, user);
              return rows > 0;
            });
    db.dialect().afterDelete(db);
    return existed;
  }

  @Override
  public long deleteEpisodesBefore(TenantId tenant, Instant cutoff) {
    long deleted = episodes.deleteEpisodesBefore(tenant, cutoff);
    if (deleted > 0) {
      db.dialect().afterDelete(db);
    }
    return deleted;
  }

  // ---- users and orgs ----

  @Override
  public Optional<UserRecord> findUser(TenantId tenant, UserId user) {
    return users.findUser(tenant, user);
  }

  @Override
  public List<UserId> users(TenantId tenant, @Nullable UserId after, int limit) {
    return users.users(tenant, after, limit);
  }

  @Override
  public List<TenantId> tenants() {
    return users.tenants();
  }

  @Override
  public Optional<OrgProfile> findOrg(TenantId tenant, OrgId org) {
    return users.findOrg(tenant, org);
  }

  @Override
  public List<OrgId> orgs(TenantId tenant) {
    return users.orgs(tenant);
  }

  @Override
  public void putOrg(TenantId tenant, OrgId org, OrgProfile profile) {
    users.putOrg(tenant, org, profile);
  }

  @Override
  public boolean deleteOrg(TenantId tenant, OrgId org) {
    return users.deleteOrg(tenant, org);
  }

  // ---- memories, history, episodes ----

  @Override
  public List<Memory> memories(TenantId tenant, UserId user, MemoryQuery query) {
    return memories.memories(tenant, user, query);
  }

  @Override
  public long countActiveMemories(TenantId tenant) {
    return memories.countActiveMemories(tenant);
  }

  @Override
  public Optional<Memory> findMemory(TenantId tenant, UserId user, MemoryId id) {
    return memories.findMemory(tenant, user, id);
  }

  @Override
  public List<Memory> findMemories(TenantId tenant, UserId user, List<MemoryId> ids) {
    return memories.findMemories(tenant, user, ids);
  }

  @Override
  public List<MemoryChange> history(TenantId tenant, UserId user, MemoryId id) {
    return memories.history(tenant, user, id);
  }

  @Override
  public List<MemoryChange> userHistory(TenantId tenant, UserId user) {
    return memories.userHistory(tenant, user);
  }

  @Override
  public List<Episode> episodes(TenantId tenant, UserId user, EpisodeQuery query) {
    return episodes.episodes(tenant, user, query);
  }

  @Override
  public Set<String> knownMessageIds(TenantId tenant, UserId user, Collection<String> messageIds) {
    return episodes.knownMessageIds(tenant, user, messageIds);
  }

  // ---- the extraction buffer ----

  @Override
  public List<AwaitingExtraction> awaitingExtraction(Instant now, int limit) {
    return extraction.awaitingExtraction(now, limit);
  }

  @Override
  public List<Episode> episodesAwaitingExtraction(
      TenantId tenant, UserId user, Instant now, int limit) {
    return extraction.episodesAwaitingExtraction(tenant, user, now, limit);
  }

  @Override
  public int deferExtraction(
      TenantId tenant,
      UserId user,
      Collection<String> messageIds,
      java.util.function.IntFunction<Instant> retryAt) {
    return extraction.deferExtraction(tenant, user, messageIds, retryAt);
  }

  @Override
  public boolean claimExtraction(
      TenantId tenant, UserId user, String worker, Instant now, Instant leaseUntil) {
    return extraction.claimExtraction(tenant, user, worker, now, leaseUntil);
  }

  @Override
  public void releaseExtraction(TenantId tenant, UserId user, String worker) {
    extraction.releaseExtraction(tenant, user, worker);
  }

  @Override
  public ExtractionBacklog extractionBacklog(TenantId tenant) {
    return extraction.extractionBacklog(tenant);
  }

  // ---- access ----

  /**
   * With encryption on: true if some user's text was written without it (the user has no data key),
   * so the store is partly plaintext until {@link #encryptPlaintext} runs.
   */
  public boolean holdsPlaintext() {
    return sealing.on() && !new PlaintextSealer(db, sealing).usersWithoutKey(1).isEmpty();
  }

  /**
   * Reads the whole store and reports whether it is consistent ({@code ./attune check}): the
   * database's integrity, orphan rows, data keys, sealed values, the observation queue.
   */
  public StoreCheck.Report check() {
    return new StoreCheck(db, sealing).run();
  }

  /**
   * After a database was restored beside today's keys: every user whose data key is gone was erased
   * after the backup was taken, so their rows (unreadable without the key) are deleted now, as
   * their erasure did. Needs encryption on. Returns how many users were purged.
   */
  public int purgeErasedUsers() {
    if (!sealing.on()) {
      throw new dev.attune.core.model.StoreException(
          "purging erased users needs the master key: encryption is off", false, null);
    }
    int n = 0;
    for (Object[] u : new PlaintextSealer(db, sealing).usersWithoutKey(Integer.MAX_VALUE)) {
      if (forget((TenantId) u[0], (UserId) u[1])) {
        n++;
      }
    }
    return n;
  }

  /**
   * Encrypts in place every plaintext value of users' text (SQLite), in batches that each commit:
   * run again after an interruption, it goes on where it stopped. Returns how many were sealed.
   */
  public long encryptPlaintext(java.util.function.LongConsumer progress) {
    return new PlaintextSealer(db, sealing).sealAll(progress);
  }

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
  public void renew(String worker, Instant until) {
    observations.renew(worker, until);
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
  public ObservationLog.Backlog backlog() {
    return observations.backlog();
  }

  @Override
  public void close() {
    db.close();
  }
}
