package dev.attune.core.internal;

import dev.attune.core.api.ContextRequest;
import dev.attune.core.model.AuditEntry;
import dev.attune.core.model.Category;
import dev.attune.core.model.Embedding;
import dev.attune.core.model.Episode;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.Provenance;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.model.UserProfile;
import dev.attune.core.model.UserRecord;
import dev.attune.core.port.Embedder;
import dev.attune.core.port.EpisodeQuery;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.port.Store;
import dev.attune.core.port.TokenCounter;
import dev.attune.core.port.UserWrite;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Keeping the store in shape: vectors made again with the current model ({@link #reindex}), the
 * model and the hot path loaded before the first request ({@link #warmUp}), and episodes past their
 * retention period deleted, by a background sweep and on demand.
 */
public final class Maintenance implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Maintenance.class.getName());

  private final Store store;
  private final Embedder embedder;
  private final TokenCounter tokens;
  private final EpisodeVectors vectors;
  private final WorkingSets workingSets;
  private final UserWriter writer;
  private final ContextService context;
  private final EffectTracker tracker;
  private final UserLocks locks;
  private final Supplier<Instant> clock;
  private final Duration retention;
  private final Duration sweepEvery;
  private volatile @Nullable ScheduledExecutorService sweeper;

  /**
   * @param retention how long episodes are kept; zero keeps them forever
   * @param sweepEvery how often the sweep runs in the background (episodes and context records past
   *     their retention, and each tenant's storage figures); zero never
   */
  public Maintenance(
      Store store,
      Embedder embedder,
      TokenCounter tokens,
      EpisodeVectors vectors,
      WorkingSets workingSets,
      UserWriter writer,
      ContextService context,
      EffectTracker tracker,
      UserLocks locks,
      Supplier<Instant> clock,
      Duration retention,
      Duration sweepEvery) {
    this.store = store;
    this.embedder = embedder;
    this.tokens = tokens;
    this.vectors = vectors;
    this.workingSets = workingSets;
    this.writer = writer;
    this.context = context;
    this.tracker = tracker;
    this.locks = locks;
    this.clock = clock;
    this.retention = retention;
    this.sweepEvery = sweepEvery;
  }

  /** Starts the hourly retention sweep (none when its interval is zero). */
  public void start() {
    if (!sweepEvery.isZero()) {
      ScheduledExecutorService s =
          Executors.newSingleThreadScheduledExecutor(
              Thread.ofPlatform().name("attune-retention").daemon().factory());
      long every = sweepEvery.toMillis();
      s.scheduleWithFixedDelay(
          this::sweepQuietly, Math.min(every, 60_000), every, TimeUnit.MILLISECONDS);
      sweeper = s;
    }
  }

  /** See {@link dev.attune.core.Attune#reindex}. */
  public long reindex(TenantId tenant, Consumer<Integer> progress) {
    long made = 0;
    int done = 0;
    UserId after = null;
    while (true) {
      List<UserId> page = store.users(tenant, after, 200);
      if (page.isEmpty()) {
        return made;
      }
      for (UserId user : page) {
        made += reindexUser(tenant, user);
        progress.accept(++done);
      }
      after = page.get(page.size() - 1);
    }
  }

  private int reindexUser(TenantId tenant, UserId user) {
    return locks.locked(
        tenant,
        user,
        () -> {
          String model = embedder.modelId();
          List<Memory> memories = new ArrayList<>();
          for (Memory m : store.memories(tenant, user, MemoryQuery.all())) {
            if (m.embedding() == null || !m.embedding().model().equals(model)) {
              memories.add(m);
            }
          }
          List<Episode> timeline = store.episodes(tenant, user, EpisodeQuery.all());
          List<Episode> episodes = new ArrayList<>();
          for (Episode e : timeline) {
            if (e.embedding() == null || !e.embedding().model().equals(model)) {
              episodes.add(e);
            }
          }
          if (memories.isEmpty() && episodes.isEmpty()) {
            return 0;
          }
          List<String> texts = new ArrayList<>();
          memories.forEach(m -> texts.add(m.text()));
          List<List<String>> episodeTexts = vectors.texts(timeline, episodes);
          episodeTexts.forEach(texts::addAll);
          List<float[]> made = embedder.embedAll(texts);
          List<Memory> reMemories = new ArrayList<>();
          for (int i = 0; i < memories.size(); i++) {
            reMemories.add(memories.get(i).withEmbedding(vectors.embedding(made.get(i))));
          }
          List<@Nullable Embedding> episodeEmbeddings =
              vectors.joined(episodeTexts, made.subList(memories.size(), made.size()));
          List<Episode> reEpisodes = new ArrayList<>();
          for (int i = 0; i < episodes.size(); i++) {
            reEpisodes.add(episodes.get(i).withEmbedding(episodeEmbeddings.get(i)));
          }
          writer.writeAndReload(
              tenant, user, new UserWrite(clock.get(), null, reEpisodes, reMemories, List.of()));
          return texts.size();
        });
  }

  /** See {@link dev.attune.core.Attune#warmWorkingSets}. */
  public int warmWorkingSets(int users, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    List<TenantId> tenants = store.tenants();
    int loaded = 0;
    int perTenant = tenants.isEmpty() ? 0 : Math.max(1, users / tenants.size());
    for (TenantId tenant : tenants) {
      for (var active : store.usersByActivity(tenant, "", 0, perTenant)) {
        if (active.lastActive() == null || loaded >= users || System.nanoTime() >= deadline) {
          break; // never-observed users come last
        }
        workingSets.get(tenant, active.user());
        loaded++;
      }
    }
    return loaded;
  }

  /** See {@link dev.attune.core.Attune#warmUp}. */
  public void warmUp() {
    for (int i = 0; i < 3; i++) {
      embedder.embedQuery("What does the user prefer for lunch on Fridays?");
    }
    tokens.count("warm up");
    // The whole retrieval and assembly path once, on a made-up user that is never stored or
    // cached: the first real request then finds its classes loaded and compiled, and is not
    // answered degraded for want of it.
    Instant now = clock.get();
    UserId user = UserId.of("warm-up");
    List<String> facts =
        List.of(
            "User lives in Porto.",
            "User is allergic to peanuts.",
            "User prefers short answers.",
            "User works as a nurse.");
    List<float[]> made = embedder.embedAll(facts);
    List<Memory> memories = new ArrayList<>();
    List<Episode> episodes = new ArrayList<>();
    for (int i = 0; i < facts.size(); i++) {
      Embedding e = vectors.embedding(made.get(i));
      memories.add(
          Memory.create(
                  MemoryId.random(),
                  user,
                  facts.get(i),
                  Category.FACT,
                  null,
                  0.8,
                  Provenance.explicit(),
                  now,
                  now)
              .withEmbedding(e));
      episodes.add(new Episode("warm-" + i, user, Role.USER, null, facts.get(i), "s", now, e));
    }
    var ws =
        workingSets.build(
            new UserRecord(user, null, UserProfile.empty(), now, now), memories, episodes);
    for (int i = 0; i < 3; i++) {
      context.rehearse(
          ws,
          ContextRequest.builder(TenantId.of("warm-up"), user)
              .query("Suggest a restaurant for tonight")
              .maxTokens(300)
              .build());
    }
  }

  /** See {@link dev.attune.core.Attune#purgeExpiredEpisodes}. */
  public long purgeExpiredEpisodes() {
    if (retention.isZero()) {
      return 0;
    }
    Instant now = clock.get();
    Instant cutoff = now.minus(retention);
    long total = 0;
    for (TenantId tenant : store.tenants()) {
      long deleted = store.deleteEpisodesBefore(tenant, cutoff);
      if (deleted == 0) {
        continue;
      }
      total += deleted;
      workingSets.invalidateTenant(tenant);
      store.appendAudit(
          tenant,
          List.of(
              new AuditEntry(
                  now,
                  PrivacyGuard.SYSTEM_ACTOR,
                  KeyRole.SYSTEM,
                  "retention.delete_episodes",
                  null,
                  "episodes=" + deleted + " before=" + cutoff,
                  0)));
    }
    return total;
  }

  private void sweepQuietly() {
    try {
      purgeExpiredEpisodes();
      tracker.purgeExpiredRecords();
      // Storage growth is a figure over time: measured once a sweep, per tenant.
      for (TenantId tenant : store.tenants()) {
        tracker.sampleStorage(tenant);
      }
    } catch (RuntimeException e) {
      // A failed sweep is retried at the next interval; the store logs its own failures.
      LOG.log(System.Logger.Level.WARNING, "retention sweep failed: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    ScheduledExecutorService s = sweeper;
    if (s != null) {
      s.shutdownNow();
    }
  }
}
