package dev.attune.core.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.attune.core.model.Episode;
import dev.attune.core.model.Memory;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.model.UserRecord;
import dev.attune.core.port.Embedder;
import dev.attune.core.port.EngineMetrics;
import dev.attune.core.port.EpisodeQuery;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.port.MemoryStore;
import dev.attune.core.port.UserWrite;
import dev.attune.core.retrieval.RetrievalPolicy;
import dev.attune.core.retrieval.WorkingSet;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Each user's working set (active memories, recent episodes, their indexes), loaded from the store
 * on first use and cached, bounded by an estimate of its heap size. A write of this process is
 * applied to the cached set (or drops it); another process's write arrives through the store's
 * change notifications. Thread-safe.
 */
public final class WorkingSets {
  private final MemoryStore store;
  private final Embedder embedder;
  private final RetrievalPolicy policy;
  private final int episodes;
  private final EngineMetrics metrics;
  private final Cache<Key, WorkingSet> cache;

  private record Key(TenantId tenant, UserId user) {}

  /**
   * The part of a user's working set that needs no messages: their row (null for an unknown user)
   * and active memories. A degraded answer is built from it alone; a cold load goes on from it.
   */
  public record Head(@Nullable UserRecord user, List<Memory> memories) {}

  /**
   * @param cacheBytes heap the cached sets may take, estimated
   * @param episodes a user's most recent messages a set holds
   */
  public WorkingSets(
      MemoryStore store,
      Embedder embedder,
      RetrievalPolicy policy,
      long cacheBytes,
      int episodes,
      EngineMetrics metrics) {
    this.store = store;
    this.embedder = embedder;
    this.policy = policy;
    this.episodes = episodes;
    this.metrics = metrics;
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(cacheBytes)
            .weigher(
                (Key k, WorkingSet ws) -> (int) Math.min(Integer.MAX_VALUE, ws.estimatedBytes()))
            .build();
    metrics.workingSetCache(
        cache::estimatedSize,
        () -> cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L));
    // Another process sharing the store (PostgreSQL) changed a user: their cached set is stale.
    store.onExternalChange(this::invalidate, cache::invalidateAll);
  }

  /** The user's working set, loaded if it is not cached (an unknown user's is empty). */
  public WorkingSet get(TenantId tenant, UserId user) {
    Key key = new Key(tenant, user);
    WorkingSet cached = cache.getIfPresent(key);
    metrics.workingSetLookup(cached != null);
    return cached != null ? cached : cache.get(key, this::load);
  }

  /** The user's working set if it is cached; nothing is loaded. */
  public @Nullable WorkingSet cached(TenantId tenant, UserId user) {
    return cache.getIfPresent(new Key(tenant, user));
  }

  public void invalidate(TenantId tenant, UserId user) {
    cache.invalidate(new Key(tenant, user));
  }

  /**
   * After a write by the observation pipeline: a cached set gets the write applied, from the write
   * itself, without reading the store back (a reload read every memory and message again: most of
   * learning's allocation under load); a write that cannot be applied so reloads it. A user not in
   * the cache stays out of it.
   */
  public void applyIfCached(TenantId tenant, UserId user, UserWrite write) {
    cache
        .asMap()
        .computeIfPresent(
            new Key(tenant, user),
            (k, held) -> {
              WorkingSet next =
                  held.applying(
                      write.user(), write.at(), write.memories(), write.episodes(), episodes);
              return next != null ? next : load(k);
            });
  }

  public void invalidateTenant(TenantId tenant) {
    cache.asMap().keySet().removeIf(k -> k.tenant().equals(tenant));
  }

  public void clear() {
    cache.invalidateAll();
  }

  /** A working set of the given data, built as a loaded one is (not cached). */
  public WorkingSet build(
      @Nullable UserRecord user, List<Memory> memories, List<Episode> chronological) {
    return WorkingSet.build(
        user,
        memories,
        chronological,
        embedder.modelId(),
        embedder.dimensions(),
        policy.lexicalContext());
  }

  /** Reads a user's {@link Head}: their row, then (a known user's) active memories. */
  public Head head(TenantId tenant, UserId user) {
    UserRecord row = store.findUser(tenant, user).orElse(null);
    return new Head(
        row, row == null ? List.of() : store.memories(tenant, user, MemoryQuery.active()));
  }

  /**
   * As {@link #get(TenantId, UserId)}, where the caller has read the user's head already: a load
   * reads only their messages.
   */
  public WorkingSet get(TenantId tenant, UserId user, Head head) {
    Key key = new Key(tenant, user);
    WorkingSet cached = cache.getIfPresent(key);
    metrics.workingSetLookup(cached != null);
    return cached != null ? cached : cache.get(key, k -> load(k, head));
  }

  private WorkingSet load(Key key) {
    return load(key, head(key.tenant(), key.user()));
  }

  private WorkingSet load(Key key, Head head) {
    if (head.user() == null) {
      return WorkingSet.empty();
    }
    return build(
        head.user(),
        head.memories(),
        store.episodes(key.tenant(), key.user(), EpisodeQuery.latest(episodes)));
  }
}
