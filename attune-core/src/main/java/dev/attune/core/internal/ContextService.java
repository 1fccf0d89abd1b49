package dev.attune.core.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.attune.core.api.ContextPack;
import dev.attune.core.api.ContextRequest;
import dev.attune.core.assembly.ContextAssembler;
import dev.attune.core.model.AttuneException;
import dev.attune.core.model.BlockType;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.OrgProfile;
import dev.attune.core.model.UserRecord;
import dev.attune.core.port.Embedder;
import dev.attune.core.port.EngineMetrics;
import dev.attune.core.port.MemoryStore;
import dev.attune.core.retrieval.Hit;
import dev.attune.core.retrieval.RetrievalQuery;
import dev.attune.core.retrieval.Retriever;
import dev.attune.core.retrieval.WorkingSet;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The context path: the user's working set, the query embedded (and cached: applications repeat
 * their requests), retrieval, assembly into the budget. A request with a timeout whose retrieval is
 * slower answers at once with what needs no retrieval, and retrieval finishes in the background,
 * warming the cache. Thread-safe.
 */
public final class ContextService implements AutoCloseable {
  private final MemoryStore store;
  private final Embedder embedder;
  private final Retriever retriever;
  private final ContextAssembler assembler;
  private final WorkingSets workingSets;
  private final EffectTracker tracker;
  private final EngineMetrics metrics;
  private final Supplier<Instant> now;
  private final Cache<String, float[]> queryVectors =
      Caffeine.newBuilder().maximumSize(10_000).build();
  private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();

  public ContextService(
      MemoryStore store,
      Embedder embedder,
      Retriever retriever,
      ContextAssembler assembler,
      WorkingSets workingSets,
      EffectTracker tracker,
      EngineMetrics metrics,
      Supplier<Instant> now) {
    this.store = store;
    this.embedder = embedder;
    this.retriever = retriever;
    this.assembler = assembler;
    this.workingSets = workingSets;
    this.tracker = tracker;
    this.metrics = metrics;
    this.now = now;
  }

  /**
   * See {@link dev.attune.core.Attune#context}. A user in an experiment arm without personalization
   * gets the org's compliance rules only; an arm's token cap lowers the budget. The pack is
   * recorded (in the background) and says its id and arm.
   */
  public ContextPack context(ContextRequest request) {
    long start = System.nanoTime();
    Instant at = now.get();
    Experiments.Assignment assignment = tracker.assign(request.tenant(), request.user());
    int budget = assembler.effectiveBudget(request);
    if (assignment != null && assignment.arm().maxTokens() != null) {
      budget = Math.min(budget, assignment.arm().maxTokens());
    }
    boolean cached = workingSets.cached(request.tenant(), request.user()) != null;
    ContextPack pack;
    if (assignment != null && !assignment.arm().personalize()) {
      pack = assembler.complianceOnly(orgFor(request, null), budget);
    } else if (request.timeout() == null) {
      pack = full(request, budget, at, null);
    } else {
      int b = budget;
      // A cold user's row and memories are read first, once: the full path goes on from them to
      // the messages, and a late answer is built from them alone (their preferences and most
      // confident facts), so a known user's pack is never empty for being late.
      CompletableFuture<WorkingSets.Head> head =
          cached
              ? null
              : CompletableFuture.supplyAsync(
                  () -> workingSets.head(request.tenant(), request.user()), background);
      Future<ContextPack> full = background.submit(() -> full(request, b, at, head));
      try {
        long left = request.timeout().toNanos() - (System.nanoTime() - start);
        pack = full.get(Math.max(0, left), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        pack = degraded(request, budget, at, head);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AttuneException("interrupted while building context", e);
      } catch (ExecutionException e) {
        throw unwrap(e);
      }
    }
    long nanos = System.nanoTime() - start;
    metrics.contextServed(nanos, pack.tokens(), !pack.isEmpty(), pack.degraded());
    return tracker.served(
        request.tenant(), request.user(), request.sessionId(), pack, assignment, nanos, cached, at);
  }

  /**
   * Retrieval and assembly over the user's working set; {@code head}, when given, is the cold
   * user's row and memories being read (the load then reads only their messages).
   */
  private ContextPack full(
      ContextRequest request,
      int budget,
      Instant at,
      @Nullable CompletableFuture<WorkingSets.Head> head) {
    WorkingSet ws;
    if (head == null) {
      ws = workingSets.get(request.tenant(), request.user());
    } else {
      try {
        ws = workingSets.get(request.tenant(), request.user(), head.join());
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException re ? re : e;
      }
    }
    List<Hit> hits = List.of();
    if (request.query() != null && budget > 0) {
      float[] vector = queryVectors.get(request.query(), embedder::embedQuery);
      hits = retriever.search(ws, query(request, vector), at, request.limit());
    }
    return assembler.assemble(ws, orgFor(request, ws), request, hits, budget, false, at);
  }

  private RetrievalQuery query(ContextRequest request, float[] vector) {
    return new RetrievalQuery(
        request.query(),
        vector,
        embedder.modelId(),
        request.categories(),
        request.from(),
        request.to());
  }

  /**
   * What needs no retrieval, for a request that ran out of time: the profile, preferences, org,
   * compliance and the most confident facts, from the cached working set, else from the cold user's
   * {@code head} if it has been read, else from the user's row alone (the store itself is slow).
   * The pack names the blocks it left out.
   */
  private ContextPack degraded(
      ContextRequest request,
      int budget,
      Instant at,
      @Nullable CompletableFuture<WorkingSets.Head> head) {
    WorkingSet ws = workingSets.cached(request.tenant(), request.user());
    List<BlockType> missing = List.of(BlockType.HISTORY);
    if (ws == null && head != null && head.isDone() && !head.isCompletedExceptionally()) {
      WorkingSets.Head h = head.join();
      // No vectors: nothing is retrieved, so no index of them is built.
      ws =
          WorkingSet.build(
              h.user(),
              h.memories().stream().map(m -> m.withEmbedding(null)).toList(),
              List.of(),
              null);
      missing = List.of(BlockType.SESSION, BlockType.HISTORY);
    }
    if (ws == null) {
      UserRecord user = store.findUser(request.tenant(), request.user()).orElse(null);
      ws = WorkingSet.build(user, List.of(), List.of(), null);
      missing =
          List.of(BlockType.SESSION, BlockType.PREFERENCES, BlockType.MEMORIES, BlockType.HISTORY);
    }
    return assembler
        .assemble(ws, orgFor(request, ws), request, List.of(), budget, true, at)
        .missing(missing);
  }

  private @Nullable OrgProfile orgFor(ContextRequest request, @Nullable WorkingSet ws) {
    OrgId org = request.org();
    if (org == null) {
      UserRecord user =
          ws != null ? ws.user() : store.findUser(request.tenant(), request.user()).orElse(null);
      org = user == null ? null : user.org();
    }
    return org == null ? null : store.findOrg(request.tenant(), org).orElse(null);
  }

  /**
   * Runs retrieval and assembly for {@code request} over {@code ws} (not cached, nothing stored):
   * the warm-up's way through the whole path.
   */
  void rehearse(WorkingSet ws, ContextRequest request) {
    Instant at = now.get();
    List<Hit> hits =
        retriever.search(
            ws, query(request, embedder.embedQuery(request.query())), at, request.limit());
    assembler.assemble(ws, null, request, hits, assembler.effectiveBudget(request), false, at);
  }

  private static RuntimeException unwrap(ExecutionException e) {
    Throwable cause = e.getCause();
    if (cause instanceof RuntimeException re) {
      return re;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    return new AttuneException("context failed: " + cause, cause);
  }

  @Override
  public void close() {
    background.shutdown();
    try {
      background.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
