package dev.attune.store.jdbc;

import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads a whole store and says whether it is consistent: the database's own integrity check, rows
 * that belong to no user, data keys that do not unwrap, sealed values that do not open (or
 * plaintext in an encrypted store), and an observation queue a worker could not resume. Read-only;
 * run it on a stopped node, or beside a running one (it sees one consistent snapshot per check).
 */
public final class StoreCheck {
  /** One check: what it looked at, and what it found wrong (empty when it passed). */
  public record Result(String name, long examined, List<String> problems) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  /** Every check's result. */
  public record Report(List<Result> results) {
    public boolean ok() {
      return results.stream().allMatch(Result::ok);
    }
  }

  /** At most this many problems of one check are listed; the count says how many there were. */
  private static final int LISTED = 20;

  private static final Set<String> STATES = Set.of("PENDING", "RUNNING", "DONE", "FAILED");

  private final Db db;
  private final Sealing sealing;

  StoreCheck(Db db, Sealing sealing) {
    this.db = db;
    this.sealing = sealing;
  }

  Report run() {
    return new Report(
        List.of(integrity(), orphans(), dataKeys(), sealedValues(), observationQueue()));
  }

  /** Collects problems, listing the first few and counting the rest. */
  private static final class Problems {
    final List<String> listed = new ArrayList<>();
    long count;

    void add(String problem) {
      if (count++ < LISTED) {
        listed.add(problem);
      }
    }

    List<String> list() {
      if (count > LISTED) {
        listed.add("... and " + (count - LISTED) + " more");
      }
      return List.copyOf(listed);
    }
  }

  private Result integrity() {
    return db.read(
        null,
        "check the database's integrity",
        c -> {
          List<String> problems = db.dialect().integrityProblems(c);
          return new Result("database integrity", 1, problems);
        });
  }

  /** Rows a user's write puts beside the user's own row, in the same transaction. */
  private Result orphans() {
    return db.read(
        null,
        "check for orphan rows",
        c -> {
          Problems p = new Problems();
          long examined = 0;
          for (String table : List.of("memories", "episodes", "memory_history")) {
            examined += count(c, "SELECT count(*) FROM " + table);
            try (PreparedStatement ps =
                    c.prepareStatement(
                        "SELECT tenant_id, user_id, count(*) FROM "
                            + table
                            + " t WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.tenant_id ="
                            + " t.tenant_id AND u.user_id = t.user_id) GROUP BY tenant_id,"
                            + " user_id");
                ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                p.add(
                    rs.getLong(3)
                        + " "
                        + table
                        + " rows of "
                        + rs.getString(1)
                        + "/"
                        + rs.getString(2)
                        + ", who has no user row");
              }
            }
          }
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT m.tenant_id, m.user_id, m.memory_id, m.superseded_by FROM memories m"
                          + " WHERE m.superseded_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"
                          + " memories n WHERE n.tenant_id = m.tenant_id AND n.user_id ="
                          + " m.user_id AND n.memory_id = m.superseded_by)");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              p.add(
                  "memory "
                      + rs.getString(1)
                      + "/"
                      + rs.getString(2)
                      + "/"
                      + rs.getString(3)
                      + " is superseded by "
                      + rs.getString(4)
                      + ", which does not exist");
            }
          }
          return new Result("orphan rows", examined, p.list());
        });
  }

  /** With encryption on: every data key unwraps, and every user has one. */
  private Result dataKeys() {
    Encryption encryption = sealing.encryption();
    if (encryption == null) {
      return new Result("data keys (encryption off)", 0, List.of());
    }
    return db.read(
        null,
        "check the data keys",
        c -> {
          Problems p = new Problems();
          long examined = 0;
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT tenant_id, user_id, master_key_id FROM data_keys");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              examined++;
              TenantId tenant = new TenantId(rs.getString(1));
              UserId user = new UserId(rs.getString(2));
              encryption.forget(tenant, user); // unwrap from the stored row, not the cache
              try {
                encryption.key(c, tenant, user);
              } catch (RuntimeException e) {
                p.add(
                    "the data key of "
                        + tenant
                        + "/"
                        + user
                        + " does not unwrap: "
                        + Db.rootMessage(e));
              }
            }
          }
          for (Object[] u : new PlaintextSealer(db, sealing).usersWithoutKey(LISTED + 1)) {
            p.add(
                "user "
                    + u[0]
                    + "/"
                    + u[1]
                    + " has no data key (written without encryption, or erased after this"
                    + " database was copied: ./attune encrypt, or restore's purge)");
          }
          return new Result("data keys", examined, p.list());
        });
  }

  /** Every value of users' text opens with its user's key (or, unencrypted, is not sealed). */
  private Result sealedValues() {
    return db.read(
        null,
        "check the sealed values",
        c -> {
          Problems p = new Problems();
          long examined = 0;
          for (PlaintextSealer.Column column : PlaintextSealer.COLUMNS) {
            try (PreparedStatement ps =
                    c.prepareStatement(
                        "SELECT tenant_id, user_id, "
                            + column.name()
                            + " FROM "
                            + column.table()
                            + " WHERE "
                            + column.name()
                            + " IS NOT NULL");
                ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                examined++;
                String where = column.table() + "." + column.name() + " of " + rs.getString(1);
                String problem =
                    valueProblem(
                        c,
                        column,
                        new TenantId(rs.getString(1)),
                        new UserId(rs.getString(2)),
                        rs.getString(3));
                if (problem != null) {
                  p.add(where + "/" + rs.getString(2) + ": " + problem);
                }
              }
            }
          }
          return new Result("sealed values", examined, p.list());
        });
  }

  private @Nullable String valueProblem(
      Connection c, PlaintextSealer.Column column, TenantId tenant, UserId user, String value)
      throws SQLException {
    boolean sealed = value.startsWith(Encryption.PREFIX);
    Encryption encryption = sealing.encryption();
    if (encryption == null) {
      return sealed ? "sealed, but no master key is configured" : null;
    }
    if (!sealed) {
      // A finished observation's payload is emptied to '[]': nothing of the user's is left.
      boolean emptied = column.table().equals("observations") && value.equals("[]");
      return emptied
          ? null
          : "stored in plaintext in an encrypted store (./attune encrypt seals it in place)";
    }
    try {
      encryption.open(c, tenant, user, value);
      return null;
    } catch (RuntimeException e) {
      return "does not open: " + Db.rootMessage(e);
    }
  }

  /** The queue a restarted worker resumes: states known, leases whole, payloads readable. */
  private Result observationQueue() {
    return db.read(
        null,
        "check the observation queue",
        c -> {
          Problems p = new Problems();
          long examined = 0;
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT tenant_id, observation_id, user_id, state, worker, lease_until,"
                          + " finished_at, payload FROM observations");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              examined++;
              String id = rs.getString(1) + "/" + rs.getString(2);
              String state = rs.getString(4);
              boolean hasWorker = rs.getString(5) != null;
              boolean hasLease = Db.nullableLong(rs, 6) != null;
              boolean finished = Db.nullableLong(rs, 7) != null;
              String payload = rs.getString(8);
              if (!STATES.contains(state)) {
                p.add("observation " + id + " is in an unknown state '" + state + "'");
              } else if (state.equals("RUNNING") && !(hasWorker && hasLease)) {
                p.add("observation " + id + " is running without a worker and a lease");
              } else if (state.equals("PENDING") && (hasWorker || hasLease || finished)) {
                p.add("observation " + id + " is pending but holds a worker, lease or finish time");
              } else if ((state.equals("DONE") || state.equals("FAILED"))
                  && (!finished || hasWorker || !"[]".equals(payload))) {
                p.add(
                    "observation "
                        + id
                        + " is finished but lacks its finish time, holds a worker, or still holds"
                        + " its messages");
              }
            }
          }
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT tenant_id, user_id, count(*) FROM observations WHERE state ="
                          + " 'RUNNING' GROUP BY tenant_id, user_id HAVING count(*) > 1");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              p.add(
                  rs.getLong(3)
                      + " observations of "
                      + rs.getString(1)
                      + "/"
                      + rs.getString(2)
                      + " run at once (a user's are learned one at a time)");
            }
          }
          return new Result("observation queue", examined, p.list());
        });
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
