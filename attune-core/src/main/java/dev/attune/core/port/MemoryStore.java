package dev.attune.core.port;

import dev.attune.core.api.ExtractionBacklog;
import dev.attune.core.model.Episode;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryChange;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.OrgProfile;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.model.UserRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Durable storage for users, memories, episodes, history and org profiles.
 *
 * <p>Every method takes the tenant first, and implementations scope every statement by it (and by
 * the user where one is given): no method ever returns or touches another tenant's or user's data.
 * Stores store; ranking, consolidation, budgeting and redaction live in core.
 *
 * <p>Implementations are thread-safe. Each write method is one transaction: it applies completely
 * or not at all. Failures surface as {@link dev.attune.core.model.StoreException}.
 */
public interface MemoryStore extends AutoCloseable {

  /** The user's row, or empty if the store has never heard of them. */
  Optional<UserRecord> findUser(TenantId tenant, UserId user);

  /**
   * Every tenant that holds a user, in id order: for maintenance that then works tenant by tenant
   * (retention). The one method not keyed by tenant.
   */
  List<TenantId> tenants();

  /**
   * Deletes the tenant's episodes (of every user) whose timestamp is before {@code cutoff}, as the
   * retention period requires. Memories keep their provenance (message ids and times). Returns how
   * many were deleted.
   */
  long deleteEpisodesBefore(TenantId tenant, Instant cutoff);

  // ---- the extraction buffer ----

  /** A user with messages awaiting extraction that are due. */
  record AwaitingExtraction(TenantId tenant, UserId user, int messages, Instant newestArrival) {}

  /**
   * Users, in every tenant, with messages awaiting extraction whose next attempt is due at {@code
   * now}: for the background flusher. The one method besides {@link #tenants} not keyed by tenant.
   */
  List<AwaitingExtraction> awaitingExtraction(Instant now, int limit);

  /** The user's messages awaiting extraction that are due at {@code now}, in arrival order. */
  List<Episode> episodesAwaitingExtraction(TenantId tenant, UserId user, Instant now, int limit);

  /**
   * Records a failed extraction of these messages: they stay awaiting extraction (never dropped);
   * their failure count becomes one more than the highest among them, and their next attempt is not
   * before {@code retryAt} applied to that count. Returns the count.
   */
  int deferExtraction(
      TenantId tenant,
      UserId user,
      Collection<String> messageIds,
      java.util.function.IntFunction<Instant> retryAt);

  /**
   * Takes the extraction of the user's buffered messages for {@code worker} until {@code
   * leaseUntil}, unless another worker holds a claim that has not run out at {@code now}: so
   * processes sharing the store extract each batch once (one model call, not one per node). Returns
   * whether the claim was taken; a worker may renew its own.
   */
  boolean claimExtraction(
      TenantId tenant, UserId user, String worker, Instant now, Instant leaseUntil);

  /** Gives up {@code worker}'s claim on the user's extraction, if it holds it. */
  void releaseExtraction(TenantId tenant, UserId user, String worker);

  ExtractionBacklog extractionBacklog(TenantId tenant);

  /** Up to {@code limit} users of the tenant with ids after {@code after}, in id order. */
  List<UserId> users(TenantId tenant, @Nullable UserId after, int limit);

  /** The user's memories matching the query; see {@link MemoryQuery} for the order. */
  List<Memory> memories(TenantId tenant, UserId user, MemoryQuery query);

  /** How many active memories the tenant holds (all users). */
  long countActiveMemories(TenantId tenant);

  /** One memory of the user, in any status. */
  Optional<Memory> findMemory(TenantId tenant, UserId user, MemoryId id);

  /**
   * The user's memories with these ids, in any status, in the order of {@code ids}; ids that name
   * no memory of the user are left out. One read, however many ids.
   */
  List<Memory> findMemories(TenantId tenant, UserId user, List<MemoryId> ids);

  /** The user's episodes matching the query; see {@link EpisodeQuery} for the order. */
  List<Episode> episodes(TenantId tenant, UserId user, EpisodeQuery query);

  /** Which of {@code messageIds} the user already has as episodes. */
  Set<String> knownMessageIds(TenantId tenant, UserId user, Collection<String> messageIds);

  /** A memory's history, oldest first; empty if the memory does not exist. */
  List<MemoryChange> history(TenantId tenant, UserId user, MemoryId id);

  /**
   * Every change to any of the user's memories, each memory's oldest first (for an export: one read
   * rather than one per memory). The default reads the memories and asks {@link #history} memory by
   * memory; a store that can read it at once should.
   */
  default List<MemoryChange> userHistory(TenantId tenant, UserId user) {
    List<MemoryChange> out = new ArrayList<>();
    for (Memory m : memories(tenant, user, MemoryQuery.all())) {
      out.addAll(history(tenant, user, m.id()));
    }
    return out;
  }

  /**
   * Applies {@code write} in one transaction, creating the user row if missing and advancing the
   * user's update time.
   */
  void write(TenantId tenant, UserId user, UserWrite write);

  /**
   * Erases everything held about the user: their row, memories, episodes, history and anything
   * derived from them. Returns false if there was nothing.
   */
  boolean forget(TenantId tenant, UserId user);

  Optional<OrgProfile> findOrg(TenantId tenant, OrgId org);

  /** The tenant's orgs that have a profile, in id order. */
  List<OrgId> orgs(TenantId tenant);

  /** Inserts or replaces the org's profile. */
  void putOrg(TenantId tenant, OrgId org, OrgProfile profile);

  /** Deletes the org's profile; users keep their membership. Returns false if there was none. */
  boolean deleteOrg(TenantId tenant, OrgId org);

  /**
   * Registers listeners told when another process changed a user's data, for stores several
   * processes share: {@code changed} with the tenant and user, {@code reset} when such news may
   * have been missed (drop every cached user). Stores one process owns never call them.
   */
  default void onExternalChange(
      java.util.function.BiConsumer<TenantId, UserId> changed, Runnable reset) {}

  /** Releases connections and files. */
  @Override
  void close();
}
