package dev.attune.server.http;

import org.junit.jupiter.api.BeforeAll;

/**
 * The randomized two-tenant HTTP test again, with {@code serve}'s engine on PostgreSQL (row-level
 * security on, an unprivileged role): no answer ever holds another tenant's or user's data.
 */
class PostgresHttpIsolationIT extends HttpIsolationIT {
  @BeforeAll
  static void start() throws Exception {
    server = TestServer.postgres();
  }
}
