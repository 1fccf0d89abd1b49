package dev.attune.store.postgres;

import dev.attune.core.port.MemoryStore;
import dev.attune.core.testing.MemoryStoreContract;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The store contract against a real PostgreSQL, as an unprivileged role bound by RLS. */
class PostgresStoreIT extends MemoryStoreContract {
  @Override
  protected MemoryStore newStore() {
    return TestDatabase.newStore();
  }

  /** Every row of every table, read as a superuser (row-level security does not hide any). */
  @Override
  protected String rawContents(MemoryStore store) throws Exception {
    String database = database(store);
    StringBuilder out = new StringBuilder();
    try (Connection c = TestDatabase.superuser(database);
        Statement st = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs =
          st.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String table : tables) {
        try (ResultSet rs = st.executeQuery("SELECT * FROM \"" + table + "\"")) {
          ResultSetMetaData meta = rs.getMetaData();
          while (rs.next()) {
            for (int i = 1; i <= meta.getColumnCount(); i++) {
              out.append(rs.getString(i)).append('|');
            }
            out.append('\n');
          }
        }
      }
    }
    return out.toString();
  }

  static String database(MemoryStore store) {
    String s = store.toString();
    int slash = s.lastIndexOf('/');
    int q = s.indexOf('?', slash);
    return s.substring(slash + 1, q);
  }
}
