package dev.attune.store.jdbc;

import dev.attune.core.model.StoreException;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Encrypts in place the users' text a store holds in plaintext (written before encryption was on),
 * column by column, in batches that each commit: interrupted, it resumes where it stopped. Users'
 * profiles go last, so that a store whose profiles are all sealed is wholly sealed. SQLite only
 * (rows are found by {@code rowid}).
 */
final class PlaintextSealer {
  /** A column of users' text, and the columns that find its row. */
  record Column(String table, String name, List<String> key) {}

  static final List<Column> COLUMNS =
      List.of(
          new Column("memories", "text", List.of("tenant_id", "user_id", "memory_id")),
          new Column("memory_history", "before_text", List.of("seq")),
          new Column("memory_history", "after_text", List.of("seq")),
          new Column("episodes", "content", List.of("seq")),
          new Column("observations", "payload", List.of("seq")),
          new Column("feedback", "comment", List.of("tenant_id", "feedback_id")),
          new Column("users", "profile", List.of("tenant_id", "user_id")));

  private static final int BATCH = 500;

  private final Db db;
  private final Sealing sealing;

  PlaintextSealer(Db db, Sealing sealing) {
    this.db = db;
    this.sealing = sealing;
  }

  /**
   * Up to {@code limit} users who have no data key, as (tenant, user): their text was written
   * without encryption (every write of an encrypting store makes the user's key first), or they
   * were erased after the database was backed up. Needs the keys attached (encryption on).
   */
  List<Object[]> usersWithoutKey(int limit) {
    return db.read(
        null,
        "list users without keys",
        c -> {
          List<Object[]> out = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT tenant_id, user_id FROM users u WHERE NOT EXISTS (SELECT 1 FROM"
                          + " data_keys k WHERE k.tenant_id = u.tenant_id AND k.user_id ="
                          + " u.user_id) LIMIT "
                          + limit);
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(new Object[] {new TenantId(rs.getString(1)), new UserId(rs.getString(2))});
            }
          }
          return out;
        });
  }

  /** Seals every plaintext value; returns how many were sealed. */
  long sealAll(LongConsumer progress) {
    if (!sealing.on()) {
      throw new StoreException("encrypting needs the master key: encryption is off", false, null);
    }
    long done = 0;
    for (Column column : COLUMNS) {
      String keys = String.join(", ", column.key());
      String match = String.join(" AND ", column.key().stream().map(k -> k + " = ?").toList());
      while (true) {
        record Row(List<Object> key, TenantId tenant, UserId user, String value) {}
        List<Row> rows =
            db.read(
                null,
                "find plaintext " + column.table(),
                c -> {
                  List<Row> out = new ArrayList<>();
                  try (PreparedStatement ps =
                      c.prepareStatement(
                          "SELECT tenant_id, user_id, "
                              + column.name()
                              + ", "
                              + keys
                              + " FROM "
                              + column.table()
                              + " WHERE "
                              + column.name()
                              + " IS NOT NULL AND "
                              + column.name()
                              + " NOT LIKE '"
                              + Encryption.PREFIX
                              + "%' LIMIT "
                              + BATCH)) {
                    try (ResultSet rs = ps.executeQuery()) {
                      while (rs.next()) {
                        List<Object> key = new ArrayList<>();
                        for (int i = 0; i < column.key().size(); i++) {
                          key.add(rs.getObject(4 + i));
                        }
                        out.add(
                            new Row(
                                key,
                                new TenantId(rs.getString(1)),
                                new UserId(rs.getString(2)),
                                rs.getString(3)));
                      }
                    }
                  }
                  return out;
                });
        if (rows.isEmpty()) {
          break;
        }
        Set<List<Object>> users = new LinkedHashSet<>();
        for (Row r : rows) {
          if (users.add(List.of(r.tenant(), r.user()))) {
            sealing.prepareKey(r.tenant(), r.user());
          }
        }
        int sealed =
            db.transaction(
                null,
                "seal " + column.table(),
                c -> {
                  int n = 0;
                  try (PreparedStatement ps =
                      c.prepareStatement(
                          "UPDATE "
                              + column.table()
                              + " SET "
                              + column.name()
                              + " = ? WHERE "
                              + match
                              + " AND "
                              + column.name()
                              + " = ?")) {
                    for (Row r : rows) {
                      int i = 1;
                      ps.setString(i++, sealing.seal(c, r.tenant(), r.user(), r.value()));
                      for (Object k : r.key()) {
                        ps.setObject(i++, k);
                      }
                      ps.setString(i, r.value());
                      n += ps.executeUpdate();
                    }
                  }
                  return n;
                });
        done += sealed;
        progress.accept(done);
      }
    }
    return done;
  }
}
