package dev.attune.core.port;

import dev.attune.core.model.ApiKey;
import dev.attune.core.model.AuditEntry;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * API keys, the audit log and model usage, stored beside the data they guard.
 *
 * <p>Keyed by tenant like every store, with two exceptions that authentication needs: {@link
 * #findKey} (a presented key names its id; the tenant is what the key says) and {@link #anyKeys}
 * (first start). Thread-safe; each write is one transaction.
 */
public interface AccessStore {
  /** Inserts the key, or replaces the key with its id (revocation). */
  void putKey(ApiKey key);

  /** The key with this id, in any tenant, usable or not. */
  Optional<ApiKey> findKey(String id);

  /** The tenant's keys, newest first. */
  List<ApiKey> keys(TenantId tenant);

  /** True if any key exists in any tenant. */
  boolean anyKeys();

  /**
   * Registers listeners told when another process changed a key (revoked it), for stores several
   * processes share: {@code changed} with the key's id, {@code reset} when such news may have been
   * missed (forget every cached key). Stores one process owns never call them.
   */
  default void onKeyChange(java.util.function.Consumer<String> changed, Runnable reset) {}

  /** Appends entries to the tenant's audit log. */
  void appendAudit(TenantId tenant, List<AuditEntry> entries);

  /**
   * The tenant's audit log, newest first.
   *
   * @param user only entries about this user; null for all
   * @param before only entries strictly before this time; null for the newest
   * @param limit how many at most
   */
  List<AuditEntry> audit(
      TenantId tenant, @Nullable UserId user, @Nullable Instant before, int limit);

  /** Adds one model call to the tenant's usage on the day (UTC) of {@code at}. */
  void recordUsage(UsageMeter.ModelCall call, Instant at);

  /**
   * The tenant's usage from {@code from} to {@code to} (days, inclusive), by day, operation, model.
   */
  List<UsageRow> usage(TenantId tenant, java.time.LocalDate from, java.time.LocalDate to);

  /** Sets one usage row as it is (moving a tenant between stores); replaces the row it keys. */
  void putUsage(TenantId tenant, UsageRow row);
}
