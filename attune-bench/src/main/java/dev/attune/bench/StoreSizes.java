package dev.attune.bench;

import dev.attune.store.sqlite.SqliteStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;

/** What a SQLite data directory holds on disk, for the benchmarks that grow one. */
final class StoreSizes {
  private StoreSizes() {}

  /** Bytes of every file under {@code dir}; -1 when it cannot be read. */
  static long bytes(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  return 0; // removed while walking (a WAL checkpoint)
                }
              })
          .sum();
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
  }

  /**
   * Prints where the bytes are: each file (the database, its WAL), the six largest tables (SQLite's
   * dbstat) and the bytes per context record.
   */
  static void print(Path dir, PrintWriter w) throws IOException, SQLException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        w.printf("  %s: %,d KB%n", f.getFileName(), Files.size(f) >> 10);
      }
    }
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteStore.FILE_NAME));
        Statement st = c.createStatement()) {
      try (ResultSet r =
          st.executeQuery(
              "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 6")) {
        while (r.next()) {
          w.printf("  table %s: %,d KB%n", r.getString(1), r.getLong(2) >> 10);
        }
      }
      try (ResultSet r =
          st.executeQuery(
              "SELECT (SELECT SUM(pgsize) FROM dbstat WHERE name = 'context_records'),"
                  + " (SELECT COUNT(*) FROM context_records)")) {
        if (r.next() && r.getLong(2) > 0) {
          w.printf(
              "  context records: %,d, %,d bytes each%n",
              r.getLong(2), r.getLong(1) / r.getLong(2));
        }
      }
    }
  }
}
