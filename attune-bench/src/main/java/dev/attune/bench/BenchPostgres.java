package dev.attune.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A throwaway PostgreSQL for {@code bench context --store postgres} (binaries from Maven, data in a
 * temporary directory), with an unprivileged role so row-level security applies as in production.
 */
final class BenchPostgres implements AutoCloseable {
  private final EmbeddedPostgres pg;

  BenchPostgres() {
    try {
      pg = EmbeddedPostgres.builder().start();
      try (Connection c = pg.getPostgresDatabase().getConnection();
          Statement st = c.createStatement()) {
        st.execute("CREATE ROLE attune LOGIN PASSWORD 'attune-bench'");
        st.execute("CREATE DATABASE attune OWNER attune");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot prepare the embedded PostgreSQL", e);
    }
  }

  String url() {
    return "jdbc:postgresql://localhost:"
        + pg.getPort()
        + "/attune?user=attune&password=attune-bench";
  }

  @Override
  public void close() {
    try {
      pg.close();
    } catch (IOException ignored) {
      // a temporary directory
    }
  }
}
