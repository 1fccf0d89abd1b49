package dev.attune.store.jdbc;

import dev.attune.core.model.MemoryId;
import dev.attune.core.model.Observation;
import dev.attune.core.model.ObservationWithdrawnException;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.ObservationLog;
import dev.attune.core.port.ObservationLog.Claimed;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The observations table: the durable queue of accepted messages and their outcomes. */
final class ObservationTables {
  private static final String COLUMNS =
      "tenant_id, observation_id, user_id, org_id, session_id, payload, actor, received_at, state,"
          + " attempts, finished_at, outcome, error";

  private final Db db;
  private final Sealing store;

  ObservationTables(Db db, Sealing store) {
    this.db = db;
    this.store = store;
  }

  /** What the outcome column holds. */
  record OutcomeJson(
      int stored,
      int duplicates,
      List<String> added,
      List<String> reinforced,
      List<String> superseded,
      int awaitingExtraction) {}

  void enqueue(TenantId tenant, Observation o) {
    store.prepareKey(tenant, o.user());
    db.transaction(
        tenant,
        "accept observation",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO observations ("
                      + COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, tenant.value());
            ps.setString(2, o.id());
            ps.setString(3, o.user().value());
            ps.setString(4, o.org() == null ? null : o.org().value());
            ps.setString(5, o.sessionId());
            ps.setString(6, store.seal(c, tenant, o.user(), Codec.json(o.messages())));
            ps.setString(7, o.actor());
            ps.setLong(8, Codec.micros(o.receivedAt()));
            ps.setString(9, o.state().name());
            ps.setInt(10, o.attempts());
            Db.setLong(ps, 11, Codec.microsOrNull(o.finishedAt()));
            ps.setString(12, o.outcome() == null ? null : Codec.json(outcomeJson(o.outcome())));
            ps.setString(13, o.error());
            ps.executeUpdate();
          }
          return null;
        });
  }

  List<Claimed> claim(String worker, Instant now, Duration lease, int limit) {
    long nowMicros = Codec.micros(now);
    return db.transaction(
        null,
        "claim observations",
        c -> {
          // Each user's oldest unfinished observation, unless another worker holds a live lease on
          // one of that user's observations: per-user order, one at a time, across processes.
          List<String[]> ids = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT o.tenant_id, o.observation_id FROM observations o"
                      + " WHERE (o.state = 'PENDING' OR (o.state = 'RUNNING'"
                      + " AND (o.lease_until < ? OR o.worker = ?)))"
                      + " AND o.seq = (SELECT MIN(p.seq) FROM observations p WHERE"
                      + " p.tenant_id = o.tenant_id AND p.user_id = o.user_id"
                      + " AND p.state IN ('PENDING', 'RUNNING'))"
                      + " AND NOT EXISTS (SELECT 1 FROM observations r WHERE r.tenant_id = o.tenant_id"
                      + " AND r.user_id = o.user_id AND r.state = 'RUNNING' AND r.lease_until >= ?"
                      + " AND r.worker <> ?)"
                      + " ORDER BY o.seq LIMIT ?")) {
            ps.setLong(1, nowMicros);
            ps.setString(2, worker);
            ps.setLong(3, nowMicros);
            ps.setString(4, worker);
            ps.setInt(5, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                ids.add(new String[] {rs.getString(1), rs.getString(2)});
              }
            }
          }
          List<Claimed> out = new ArrayList<>();
          for (String[] id : ids) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE observations SET state = 'RUNNING', worker = ?, lease_until = ?,"
                        + " attempts = attempts + 1 WHERE tenant_id = ? AND observation_id = ?"
                        // Still claimable: another process may have claimed it since the SELECT.
                        + " AND (state = 'PENDING' OR (state = 'RUNNING'"
                        + " AND (lease_until < ? OR worker = ?)))")) {
              ps.setString(1, worker);
              ps.setLong(2, Codec.micros(now.plus(lease)));
              ps.setString(3, id[0]);
              ps.setString(4, id[1]);
              ps.setLong(5, nowMicros);
              ps.setString(6, worker);
              if (ps.executeUpdate() == 0) {
                continue;
              }
            }
            TenantId tenant = new TenantId(id[0]);
            out.add(new Claimed(tenant, find(c, tenant, id[1]).orElseThrow()));
          }
          return out;
        });
  }

  void renew(String worker, Instant until) {
    db.transaction(
        null,
        "renew observation leases",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE observations SET lease_until = ? WHERE state = 'RUNNING' AND worker = ?")) {
            ps.setLong(1, Codec.micros(until));
            ps.setString(2, worker);
            return ps.executeUpdate();
          }
        });
  }

  ObservationLog.Backlog backlog() {
    return db.read(
        null,
        "count the observation backlog",
        c -> {
          // Both states lead the (state, seq) index; the oldest accepted is the lowest seq.
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT COUNT(*), MIN(received_at) FROM observations"
                          + " WHERE state IN ('PENDING', 'RUNNING')");
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            long n = rs.getLong(1);
            Long oldest = Db.nullableLong(rs, 2);
            return n == 0 || oldest == null
                ? ObservationLog.Backlog.EMPTY
                : new ObservationLog.Backlog(n, Codec.instant(oldest));
          }
        });
  }

  boolean finish(TenantId tenant, String worker, Observation o) {
    return db.transaction(
        tenant,
        "finish observation",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE observations SET state = ?, finished_at = ?, outcome = ?, error = ?,"
                      + " payload = '[]', worker = NULL, lease_until = NULL"
                      + " WHERE tenant_id = ? AND observation_id = ? AND state = 'RUNNING' AND worker = ?")) {
            ps.setString(1, o.state().name());
            Db.setLong(ps, 2, Codec.microsOrNull(o.finishedAt()));
            ps.setString(3, o.outcome() == null ? null : Codec.json(outcomeJson(o.outcome())));
            ps.setString(4, o.error());
            ps.setString(5, tenant.value());
            ps.setString(6, o.id());
            ps.setString(7, worker);
            return ps.executeUpdate() > 0;
          }
        });
  }

  void release(TenantId tenant, String worker, String id) {
    db.transaction(
        tenant,
        "release observation",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE observations SET state = 'PENDING', worker = NULL, lease_until = NULL"
                      + " WHERE tenant_id = ? AND observation_id = ? AND state = 'RUNNING' AND worker = ?")) {
            ps.setString(1, tenant.value());
            ps.setString(2, id);
            ps.setString(3, worker);
            ps.executeUpdate();
          }
          return null;
        });
  }

  Optional<Observation> findObservation(TenantId tenant, String id) {
    return db.read(tenant, "find observation", c -> find(c, tenant, id));
  }

  private Optional<Observation> find(Connection c, TenantId tenant, String id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM observations WHERE tenant_id = ? AND observation_id = ?")) {
      ps.setString(1, tenant.value());
      ps.setString(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        String org = rs.getString(4);
        Long finished = Db.nullableLong(rs, 11);
        String outcome = rs.getString(12);
        return Optional.of(
            new Observation(
                rs.getString(2),
                new UserId(rs.getString(3)),
                org == null ? null : new OrgId(org),
                rs.getString(5),
                Codec.messages(store.open(c, tenant, new UserId(rs.getString(3)), rs.getString(6))),
                rs.getString(7),
                Codec.instant(rs.getLong(8)),
                Observation.State.valueOf(rs.getString(9)),
                rs.getInt(10),
                finished == null ? null : Codec.instant(finished),
                outcome == null ? null : outcome(Codec.outcome(outcome)),
                rs.getString(13)));
      }
    }
  }

  private static OutcomeJson outcomeJson(Observation.Outcome o) {
    return new OutcomeJson(
        o.stored(),
        o.duplicates(),
        ids(o.added()),
        ids(o.reinforced()),
        ids(o.superseded()),
        o.awaitingExtraction());
  }

  private static List<String> ids(List<MemoryId> ids) {
    return ids.stream().map(MemoryId::value).toList();
  }

  private static Observation.Outcome outcome(OutcomeJson j) {
    return new Observation.Outcome(
        j.stored(),
        j.duplicates(),
        memoryIds(j.added()),
        memoryIds(j.reinforced()),
        memoryIds(j.superseded()),
        j.awaitingExtraction());
  }

  private static List<MemoryId> memoryIds(List<String> ids) {
    return ids.stream().map(MemoryId::new).toList();
  }

  /**
   * Inside a write learned from a queued observation (after the user's lock): the observation must
   * still be running. Erasing its user deletes it; another worker may have finished it. Either way
   * the write must not happen.
   */
  static void requireLearning(Connection c, TenantId tenant, String id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT state FROM observations WHERE tenant_id = ? AND observation_id = ?")) {
      ps.setString(1, tenant.value());
      ps.setString(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || !"RUNNING".equals(rs.getString(1))) {
          throw new ObservationWithdrawnException(id);
        }
      }
    }
  }
}
