package dev.attune.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.attune.core.model.KeyRole;
import dev.attune.core.model.TenantId;
import dev.attune.store.postgres.PostgresStore;
import dev.attune.store.postgres.TestDatabase;
import java.time.Duration;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one PostgreSQL: a key revoked on one stops working on the other at once (the
 * revocation's transaction notifies the other node, which drops the key from its cache), not when
 * its cache entry would have expired.
 */
class KeyRevocationIT {
  @Test
  void aKeyRevokedOnOneNodeStopsWorkingOnTheOtherAtOnce() {
    String url = TestDatabase.url(TestDatabase.newDatabase());
    try (PostgresStore one = PostgresStore.open(url);
        PostgresStore two = PostgresStore.open(url)) {
      Keys first = new Keys(one, InstantSource.system());
      Keys second = new Keys(two, InstantSource.system());
      Keys.Minted minted = first.create(TenantId.of("shop"), KeyRole.SERVICE, "app", null, null);
      // Verified (and so cached) on the second node.
      assertThat(second.verify(minted.secret())).isPresent();

      assertThat(first.revoke(TenantId.of("shop"), minted.key().id())).isTrue();

      // Well inside the 30 s the cache would otherwise keep it.
      await()
          .atMost(Duration.ofSeconds(3))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> second.verify(minted.secret()).isEmpty());
      assertThat(first.verify(minted.secret())).isEmpty();
    }
  }
}
