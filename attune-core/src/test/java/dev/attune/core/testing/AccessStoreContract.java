package dev.attune.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.core.model.ApiKey;
import dev.attune.core.model.AuditEntry;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.AccessStore;
import dev.attune.core.port.MemoryStore;
import dev.attune.core.port.UsageMeter;
import dev.attune.core.port.UsageRow;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract of {@link AccessStore}: keys and audit, scoped by tenant. */
public abstract class AccessStoreContract<S extends AccessStore & MemoryStore> {
  static final TenantId T1 = TenantId.of("t-one");
  static final TenantId T2 = TenantId.of("t-two");
  static final Instant T0 = Instant.parse("2025-02-01T00:00:00Z");

  protected S store;

  protected abstract S newStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = newStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

  static ApiKey key(String id, TenantId tenant, KeyRole role, Instant at) {
    return new ApiKey(
        id,
        tenant,
        role,
        "hash-" + id,
        "label " + id,
        role == KeyRole.USER ? UserId.of("alice") : null,
        at,
        role == KeyRole.USER ? at.plusSeconds(900) : null,
        null);
  }

  @Test
  void modelUsageAddsUpPerTenantDayOperationAndModel() {
    java.util.function.BiConsumer<TenantId, String> call =
        (tenant, operation) ->
            store.recordUsage(
                new UsageMeter.ModelCall(
                    tenant,
                    operation,
                    "openai:gpt-test",
                    100,
                    20,
                    java.time.Duration.ofMillis(250),
                    !operation.equals("judge")),
                T0.plusSeconds(60));
    call.accept(T1, "extract");
    call.accept(T1, "extract");
    call.accept(T1, "judge");
    call.accept(T2, "extract");
    store.recordUsage(
        new UsageMeter.ModelCall(
            T1, "extract", "openai:gpt-test", 7, 3, java.time.Duration.ofMillis(5), true),
        T0.plus(java.time.Duration.ofDays(1)));
    java.time.LocalDate day = java.time.LocalDate.parse("2025-02-01");

    assertThat(store.usage(T1, day, day))
        .containsExactly(
            new UsageRow(day, "extract", "openai:gpt-test", 2, 0, 200, 40, 500),
            new UsageRow(day, "judge", "openai:gpt-test", 1, 1, 100, 20, 250));
    assertThat(store.usage(T1, day, day.plusDays(1))).hasSize(3);
    assertThat(store.usage(T2, day, day.plusDays(1)))
        .containsExactly(new UsageRow(day, "extract", "openai:gpt-test", 1, 0, 100, 20, 250));
    assertThat(store.usage(TenantId.of("t-three"), day, day.plusDays(1))).isEmpty();

    // Moving a tenant sets rows as they are.
    UsageRow moved = new UsageRow(day, "judge", "openai:gpt-test", 9, 2, 900, 90, 1234);
    store.putUsage(T1, moved);
    assertThat(store.usage(T1, day, day)).contains(moved).hasSize(2);
  }

  @Test
  void keysAreStoredFoundAndListedPerTenant() {
    assertThat(store.anyKeys()).isFalse();
    ApiKey a = key("k1", T1, KeyRole.ADMIN, T0);
    ApiKey s = key("k2", T1, KeyRole.SERVICE, T0.plusSeconds(1));
    ApiKey u = key("k3", T1, KeyRole.USER, T0.plusSeconds(2));
    ApiKey other = key("k4", T2, KeyRole.ADMIN, T0);
    List.of(a, s, u, other).forEach(store::putKey);

    assertThat(store.anyKeys()).isTrue();
    assertThat(store.findKey("k3")).contains(u);
    assertThat(store.findKey("nope")).isEmpty();
    assertThat(store.keys(T1)).containsExactly(u, s, a);
    assertThat(store.keys(T2)).containsExactly(other);
  }

  @Test
  void revokingReplacesTheKeyButNoTenantCanTakeAnotherTenantsKeyId() {
    ApiKey a = key("k1", T1, KeyRole.ADMIN, T0);
    store.putKey(a);
    store.putKey(a.revoked(T0.plusSeconds(60)));
    assertThat(store.findKey("k1").orElseThrow().revokedAt()).isEqualTo(T0.plusSeconds(60));

    ApiKey hijack = new ApiKey("k1", T2, KeyRole.ADMIN, "other-hash", null, null, T0, null, null);
    store.putKey(hijack);
    assertThat(store.findKey("k1").orElseThrow().tenant()).isEqualTo(T1);
    assertThat(store.keys(T2)).isEmpty();
  }

  @Test
  void auditIsAppendedAndReadNewestFirstPerTenantWithFilters() {
    UserId alice = UserId.of("alice");
    AuditEntry e1 = new AuditEntry(T0, "k1", KeyRole.SERVICE, "POST /v1/context", alice, null, 200);
    AuditEntry e2 =
        new AuditEntry(
            T0.plusSeconds(1),
            "k1",
            KeyRole.SERVICE,
            "GET /v1/users/{user_id}/profile",
            UserId.of("bob"),
            null,
            200);
    AuditEntry e3 =
        new AuditEntry(
            T0.plusSeconds(2),
            "k2",
            KeyRole.ADMIN,
            "DELETE /v1/users/{user_id}/memories/{memory_id}",
            alice,
            "mem_1",
            204);
    store.appendAudit(T1, List.of(e1, e2));
    store.appendAudit(T1, List.of(e3));
    store.appendAudit(
        T2, List.of(new AuditEntry(T0, "k9", KeyRole.ADMIN, "GET /v1/audit", null, null, 200)));

    assertThat(store.audit(T1, null, null, 10)).containsExactly(e3, e2, e1);
    assertThat(store.audit(T1, alice, null, 10)).containsExactly(e3, e1);
    assertThat(store.audit(T1, null, T0.plusSeconds(2), 10)).containsExactly(e2, e1);
    assertThat(store.audit(T1, null, null, 1)).containsExactly(e3);
    assertThat(store.audit(T2, null, null, 10))
        .hasSize(1)
        .allSatisfy(e -> assertThat(e.keyId()).isEqualTo("k9"));
  }

  @Test
  void forgettingAUserLeavesTheAuditTrailButNotTheirId() {
    UserId alice = UserId.of("alice-forget-me");
    store.appendAudit(
        T1,
        List.of(new AuditEntry(T0, "k1", KeyRole.SERVICE, "POST /v1/context", alice, null, 200)));
    store.forget(T1, alice);
    List<AuditEntry> log = store.audit(T1, null, null, 10);
    assertThat(log).hasSize(1);
    assertThat(log.get(0).user().value()).startsWith("forgotten:").doesNotContain("alice");
  }
}
