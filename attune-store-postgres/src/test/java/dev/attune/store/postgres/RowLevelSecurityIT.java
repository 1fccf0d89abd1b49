package dev.attune.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.core.model.Category;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.Provenance;
import dev.attune.core.model.StoreException;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.UserWrite;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Row-level security makes a statement that forgot its tenant filter fail closed. */
class RowLevelSecurityIT {
  static final TenantId ACME = TenantId.of("acme");
  static final TenantId GLOBEX = TenantId.of("globex");
  static final UserId ANN = UserId.of("ann");
  static final Instant AT = Instant.parse("2025-03-01T09:00:00Z");

  private static void remember(PostgresStore store, TenantId tenant, String text) {
    Memory m =
        Memory.create(
            MemoryId.random(), ANN, text, Category.FACT, null, 0.9, Provenance.explicit(), AT, AT);
    store.write(tenant, ANN, new UserWrite(AT, null, List.of(), List.of(m), List.of(), List.of()));
  }

  private static long count(Connection c, String sql) throws Exception {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aQueryWithoutTheTenantSettingSeesNothing() throws Exception {
    String db = TestDatabase.newDatabase();
    try (PostgresStore store = PostgresStore.open(TestDatabase.url(db))) {
      remember(store, ACME, "Ann runs the Lisbon office.");
      remember(store, GLOBEX, "Ann prefers tea.");
    }
    // The application's role, straight through JDBC, with no WHERE tenant_id = ... anywhere.
    try (Connection c = DriverManager.getConnection(TestDatabase.url(db))) {
      assertThat(count(c, "SELECT count(*) FROM memories")).isZero();
      assertThat(count(c, "SELECT count(*) FROM users")).isZero();
      assertThat(count(c, "SELECT count(*) FROM memory_history")).isZero();

      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement("SELECT set_config('attune.tenant', ?, true)")) {
        ps.setString(1, "acme");
        ps.execute();
      }
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT text FROM memories")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("Ann runs the Lisbon office.");
        assertThat(rs.next()).isFalse(); // never globex's row
      }
      // Writing a row for another tenant is refused too.
      assertThatThrownBy(
              () -> {
                try (Statement st = c.createStatement()) {
                  st.executeUpdate(
                      "INSERT INTO orgs (tenant_id, org_id, profile, updated_at)"
                          + " VALUES ('globex', 'o1', '{}', 0)");
                }
              })
          .hasMessageContaining("row-level security");
      c.rollback();
    }
    // A superuser sees both: the rows are there, RLS hid them.
    try (Connection c = TestDatabase.superuser(db)) {
      assertThat(count(c, "SELECT count(*) FROM memories")).isEqualTo(2);
    }
  }

  @Test
  void aRoleThatBypassesRowLevelSecurityIsRefused() {
    String db = TestDatabase.newDatabase();
    String asSuperuser =
        "jdbc:postgresql://localhost:" + TestDatabase.port() + "/" + db + "?user=postgres";

    assertThatThrownBy(() -> PostgresStore.open(asSuperuser))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("bypasses row-level security");
  }

  @Test
  void anUnreachableDatabaseIsAClearRetryableError() {
    assertThatThrownBy(() -> PostgresStore.open("jdbc:postgresql://localhost:1/nowhere?user=x"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot connect to PostgreSQL")
        .matches(e -> ((StoreException) e).retryable());
  }
}
