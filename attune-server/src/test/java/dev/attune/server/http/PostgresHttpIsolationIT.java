package dev.attune.server.http;

import dev.attune.core.testing.HashingEmbedder;
import dev.attune.store.jdbc.MasterKey;
import dev.attune.store.postgres.PostgresStore;
import dev.attune.store.postgres.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/**
 * The randomized two-tenant HTTP test again, with {@code serve}'s engine on PostgreSQL (row-level
 * security on, an unprivileged role): no answer ever holds another tenant's or user's data.
 */
class PostgresHttpIsolationIT extends HttpIsolationIT {
  @BeforeAll
  static void start() throws Exception {
    server =
        new TestServer(
            Map.of(
                "store",
                TestDatabase.url(TestDatabase.newDatabase()),
                "master_key",
                MasterKey.generate().base64()),
            new HashingEmbedder());
    if (!server.store.encrypted()) {
      throw new IllegalStateException("expected an encrypted store");
    }
    if (!(server.store instanceof PostgresStore)) {
      throw new IllegalStateException("expected PostgreSQL, got " + server.store);
    }
  }
}
