package dev.attune.store.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL for the tests of this JVM (binaries from Maven, no Docker), with an
 * unprivileged role {@code attune} and a fresh database per store.
 */
public final class TestDatabase {
  static final String ROLE = "attune";
  static final String PASSWORD = "attune-test";
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static java.nio.file.Path DATA_DIR;
  private static final EmbeddedPostgres PG = start();

  private TestDatabase() {}

  private static EmbeddedPostgres start() {
    try {
      DATA_DIR = java.nio.file.Files.createTempDirectory("attune-pg-data");
      EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(DATA_DIR).start();
      try (Connection c = pg.getPostgresDatabase().getConnection();
          Statement st = c.createStatement()) {
        st.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD + "'");
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> close(pg)));
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void close(EmbeddedPostgres pg) {
    try {
      pg.close();
    } catch (IOException ignored) {
      // the JVM is ending
    }
  }

  /** A new empty database owned by the unprivileged role; its name. */
  public static String newDatabase() {
    String name = "attune_" + DATABASES.incrementAndGet();
    try (Connection c = PG.getPostgresDatabase().getConnection();
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name + " OWNER " + ROLE);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return name;
  }

  /** The URL the store uses: the unprivileged role. */
  public static String url(String database) {
    return "jdbc:postgresql://localhost:"
        + PG.getPort()
        + "/"
        + database
        + "?user="
        + ROLE
        + "&password="
        + PASSWORD;
  }

  /** A store on a fresh database. */
  public static PostgresStore newStore() {
    return PostgresStore.open(url(newDatabase()));
  }

  /** A superuser connection (row-level security does not bind it): to inspect everything. */
  public static Connection superuser(String database) throws SQLException {
    return PG.getDatabase("postgres", database).getConnection();
  }

  /**
   * Every row of every table of {@code database}, read as a superuser (row-level security hides
   * none): what a dump would hold.
   */
  public static String allRows(String database) throws SQLException {
    StringBuilder out = new StringBuilder();
    try (Connection c = superuser(database);
        Statement st = c.createStatement()) {
      java.util.List<String> tables = new java.util.ArrayList<>();
      try (java.sql.ResultSet rs =
          st.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String table : tables) {
        try (java.sql.ResultSet rs = st.executeQuery("SELECT * FROM \"" + table + "\"")) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            for (int i = 1; i <= columns; i++) {
              out.append(rs.getString(i)).append('|');
            }
            out.append('\n');
          }
        }
      }
    }
    return out.toString();
  }

  /** The server's data directory: every file PostgreSQL writes (tables, WAL). */
  public static java.nio.file.Path dataDirectory() {
    return DATA_DIR;
  }

  public static int port() {
    return PG.getPort();
  }
}
