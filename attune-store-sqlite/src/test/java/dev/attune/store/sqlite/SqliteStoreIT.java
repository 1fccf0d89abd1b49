package dev.attune.store.sqlite;

import dev.attune.core.port.MemoryStore;
import dev.attune.core.testing.MemoryStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The store contract against a real SQLite file. */
class SqliteStoreIT extends MemoryStoreContract {
  @Override
  protected MemoryStore newStore() throws Exception {
    return SqliteStore.open(Files.createTempDirectory("attune-sqlite-it"));
  }

  /** Every row of every table (index and shadow tables included), and the raw file bytes. */
  @Override
  protected String rawContents(MemoryStore store) throws Exception {
    Path file = ((SqliteStore) store).file();
    StringBuilder out = new StringBuilder();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
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
    for (String suffix : List.of("", "-wal")) {
      Path f = Path.of(file + suffix);
      if (Files.exists(f)) {
        out.append(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1));
      }
    }
    return out.toString();
  }
}
