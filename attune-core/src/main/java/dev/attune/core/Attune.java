package dev.attune.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.attune.core.assembly.AssemblyPolicy;
import dev.attune.core.assembly.ContextAssembler;
import dev.attune.core.learning.Compressor;
import dev.attune.core.learning.Consolidator;
import dev.attune.core.learning.ExtractiveSummarizer;
import dev.attune.core.learning.HeuristicExtractor;
import dev.attune.core.model.AuditEntry;
import dev.attune.core.model.Category;
import dev.attune.core.model.ChangeKind;
import dev.attune.core.model.DataPolicy;
import dev.attune.core.model.Embedding;
import dev.attune.core.model.Episode;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryChange;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.MemoryStatus;
import dev.attune.core.model.Message;
import dev.attune.core.model.Observation;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.OrgProfile;
import dev.attune.core.model.Provenance;
import dev.attune.core.model.Role;
import dev.attune.core.model.SourceRef;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.model.UserProfile;
import dev.attune.core.model.UserRecord;
import dev.attune.core.port.AccessStore;
import dev.attune.core.port.Candidate;
import dev.attune.core.port.ConsolidationJudge;
import dev.attune.core.port.Embedder;
import dev.attune.core.port.EmbedderProvider;
import dev.attune.core.port.EngineMetrics;
import dev.attune.core.port.EpisodeQuery;
import dev.attune.core.port.ExtractionRequest;
import dev.attune.core.port.Extractor;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.port.MemoryStore;
import dev.attune.core.port.ObservationLog;
import dev.attune.core.port.StoreProvider;
import dev.attune.core.port.Summarizer;
import dev.attune.core.port.TokenCounter;
import dev.attune.core.port.UserWrite;
import dev.attune.core.retrieval.DecayPolicy;
import dev.attune.core.retrieval.Hit;
import dev.attune.core.retrieval.Passages;
import dev.attune.core.retrieval.RetrievalPolicy;
import dev.attune.core.retrieval.RetrievalQuery;
import dev.attune.core.retrieval.Retriever;
import dev.attune.core.retrieval.WorkingSet;
import dev.attune.core.tokens.TokenCounters;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The embedded engine: one instance per process, shared by all threads.
 *
 * <p>{@link #context} answers from a per-user working set cached in memory (loaded on first use,
 * dropped on every write for that user); {@link #observe} stores messages, extracts facts and
 * consolidates them with what is known, in one transaction per call.
 *
 * <p>Every method is scoped by tenant and user: nothing one tenant or user does is visible to
 * another. Methods throw {@link InvalidRequestException} (naming the field) for bad input, before
 * anything is written; {@link NotFoundException} for a memory that does not exist for the user;
 * {@link StoreException} when the store fails, after rolling back.
 *
 * <pre>{@code
 * try (Attune attune = Attune.builder().dataDir(Path.of("attune-data")).build()) {
 *   attune.observe(tenant, user, null, "s1", List.of(Message.user("I live in Berlin")));
 *   ContextPack pack = attune.context(
 *       ContextRequest.builder(tenant, user).query("where should I eat?").maxTokens(500).build());
 * }
 * }</pre>
 */
public final class Attune implements AutoCloseable {
  private static final int LOCK_STRIPES = 64;
  private static final System.Logger LOG = System.getLogger(Attune.class.getName());

  private final MemoryStore store;
  private final Embedder embedder;
  private final Extractor extractor;
  private final TokenCounter tokens;
  private final InstantSource clock;
  private final EngineMetrics metrics;
  private final Retriever retriever;
  private final ContextAssembler assembler;
  private final Consolidator consolidator = new Consolidator();
  private final Compressor compressor;
  private final @Nullable ConsolidationJudge judge;
  private final ExtractionBuffer extractionBuffer;

  /** How long this engine's claim on a user's extraction holds if it dies meanwhile. */
  static final Duration EXTRACTION_LEASE = Duration.ofMinutes(10);

  /** This engine among the processes sharing its store (claims of extraction work). */
  private final String node = "node_" + UUID.randomUUID().toString().replace("-", "");

  private final @Nullable ExtractionFlusher flusher;
  private final Summarizer summarizer;
  private final PrivacyGuard privacy;
  private final int workingSetEpisodes;
  private final Cache<UserKey, WorkingSet> workingSets;
  private final Cache<String, float[]> queryVectors;
  private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];
  private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
  private final @Nullable ObservationLog observationLog;
  private final @Nullable ObservationWorker worker;
  private final Duration episodeRetention;
  private final @Nullable ScheduledExecutorService sweeper;

  private record UserKey(TenantId tenant, UserId user) {}

  private Attune(Builder b, MemoryStore store, Embedder embedder) {
    this.store = store;
    this.embedder = embedder;
    this.extractor = b.extractor;
    this.tokens = b.tokens;
    this.clock = b.clock;
    this.metrics = b.metrics;
    this.retriever = new Retriever(b.retrievalPolicy, b.decayPolicy);
    this.assembler = new ContextAssembler(b.tokens, b.priorities, b.assemblyPolicy, b.decayPolicy);
    this.workingSetEpisodes = b.workingSetEpisodes;
    this.privacy = new PrivacyGuard(store, b.dataPolicy);
    this.compressor = b.compressor;
    this.judge = b.judge;
    this.extractionBuffer = b.extractionBuffer;
    this.summarizer = b.summarizer;
    this.episodeRetention = b.episodeRetention;
    this.workingSets =
        Caffeine.newBuilder()
            .maximumWeight(b.workingSetCacheBytes)
            .weigher(
                (UserKey k, WorkingSet ws) ->
                    (int) Math.min(Integer.MAX_VALUE, ws.estimatedBytes()))
            .build();
    this.queryVectors = Caffeine.newBuilder().maximumSize(10_000).build();
    // Another process sharing the store (PostgreSQL) changed a user: their cached set is stale.
    store.onExternalChange(this::invalidate, workingSets::invalidateAll);
    for (int i = 0; i < LOCK_STRIPES; i++) {
      locks[i] = new ReentrantLock();
    }
    this.observationLog = store instanceof ObservationLog log ? log : null;
    if (observationLog != null) {
      // Started at once: observations accepted before a crash or by another process are drained.
      this.worker = new ObservationWorker(observationLog, this::now, this::process);
      worker.start();
    } else {
      this.worker = null;
    }
    if (extractor.batched()) {
      this.flusher = new ExtractionFlusher(store, this::now, extractionBuffer, this::flushQuietly);
      flusher.start();
    } else {
      this.flusher = null;
    }
    if (!episodeRetention.isZero() && !b.retentionSweepEvery.isZero()) {
      this.sweeper =
          Executors.newSingleThreadScheduledExecutor(
              Thread.ofPlatform().name("attune-retention").daemon().factory());
      long every = b.retentionSweepEvery.toMillis();
      sweeper.scheduleWithFixedDelay(
          this::sweepQuietly, Math.min(every, 60_000), every, TimeUnit.MILLISECONDS);
    } else {
      this.sweeper = null;
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The embedding model in use. */
  public String embeddingModel() {
    return embedder.modelId();
  }

  /** The token encoding in use. */
  public TokenCounter tokenCounter() {
    return tokens;
  }

  // ---------------------------------------------------------------------------------------------
  // context

  /**
   * The context for a request: never more tokens than its budget. An unknown user gets an empty
   * pack (or only their org's blocks), not an error. With a timeout, a request whose retrieval is
   * slower answers at once with the profile and org blocks and {@code degraded = true}; retrieval
   * goes on in the background and warms the cache.
   */
  public ContextPack context(ContextRequest request) {
    long start = System.nanoTime();
    Instant now = now();
    int budget = assembler.effectiveBudget(request);
    ContextPack pack;
    if (request.timeout() == null) {
      pack = fullContext(request, budget, now);
    } else {
      Future<ContextPack> full = background.submit(() -> fullContext(request, budget, now));
      try {
        long left = request.timeout().toNanos() - (System.nanoTime() - start);
        pack = full.get(Math.max(0, left), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        pack = degradedContext(request, budget, now);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AttuneException("interrupted while building context", e);
      } catch (ExecutionException e) {
        throw unwrap(e);
      }
    }
    metrics.contextServed(
        System.nanoTime() - start, pack.tokens(), !pack.isEmpty(), pack.degraded());
    return pack;
  }

  private ContextPack fullContext(ContextRequest request, int budget, Instant now) {
    WorkingSet ws = workingSet(request.tenant(), request.user());
    OrgProfile org = orgFor(request, ws);
    List<Hit> hits = List.of();
    if (request.query() != null && budget > 0) {
      float[] vector = queryVectors.get(request.query(), embedder::embed);
      RetrievalQuery q =
          new RetrievalQuery(
              request.query(),
              vector,
              embedder.modelId(),
              request.categories(),
              request.from(),
              request.to());
      hits = retriever.search(ws, q, now, request.limit());
    }
    return assembler.assemble(ws, org, request, hits, budget, false, now);
  }

  private ContextPack degradedContext(ContextRequest request, int budget, Instant now) {
    WorkingSet ws = workingSets.getIfPresent(new UserKey(request.tenant(), request.user()));
    if (ws == null) {
      UserRecord user = store.findUser(request.tenant(), request.user()).orElse(null);
      ws = WorkingSet.build(user, List.of(), List.of(), null);
    }
    return assembler.assemble(ws, orgFor(request, ws), request, List.of(), budget, true, now);
  }

  private @Nullable OrgProfile orgFor(ContextRequest request, WorkingSet ws) {
    OrgId org = request.org() != null ? request.org() : ws.user() != null ? ws.user().org() : null;
    return org == null ? null : store.findOrg(request.tenant(), org).orElse(null);
  }

  private WorkingSet workingSet(TenantId tenant, UserId user) {
    UserKey key = new UserKey(tenant, user);
    WorkingSet cached = workingSets.getIfPresent(key);
    metrics.workingSetLookup(cached != null);
    return cached != null ? cached : workingSets.get(key, this::loadWorkingSet);
  }

  private WorkingSet loadWorkingSet(UserKey key) {
    UserRecord user = store.findUser(key.tenant(), key.user()).orElse(null);
    if (user == null) {
      return WorkingSet.empty();
    }
    List<Memory> memories = store.memories(key.tenant(), key.user(), MemoryQuery.active());
    List<Episode> episodes =
        store.episodes(key.tenant(), key.user(), EpisodeQuery.latest(workingSetEpisodes));
    return WorkingSet.build(
        user,
        memories,
        episodes,
        embedder.modelId(),
        embedder.dimensions(),
        retriever.policy().lexicalContext());
  }

  private void invalidate(TenantId tenant, UserId user) {
    workingSets.invalidate(new UserKey(tenant, user));
  }

  // ---------------------------------------------------------------------------------------------
  // observe

  /**
   * Stores messages as episodes, extracts facts from the user's own messages and consolidates them,
   * all in one transaction. Messages whose id is already stored for the user are skipped, so
   * observing the same messages twice changes nothing.
   *
   * @param org the org the user belongs to; null leaves membership as it is
   * @param sessionId the conversation session, if any
   * @throws InvalidRequestException for an empty list, more than {@link
   *     Limits#MAX_MESSAGES_PER_OBSERVE} messages, a message over {@link Limits#MAX_MESSAGE_CHARS}
   *     characters, or a malformed id; nothing is written
   */
  public ObserveResult observe(
      TenantId tenant,
      UserId user,
      @Nullable OrgId org,
      @Nullable String sessionId,
      List<Message> messages) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(user, "user");
    ObserveValidation.check(sessionId, messages);
    return locked(
        tenant,
        user,
        () -> {
          Instant now = now();
          UserRecord existing = store.findUser(tenant, user).orElse(null);
          DataPolicy policy =
              privacy.policyFor(
                  tenant, org != null ? org : existing != null ? existing.org() : null);
          PrivacyGuard.RedactedMessages redacted = privacy.redact(user, policy, messages, now);
          List<AuditEntry> audit = new ArrayList<>(redacted.audit());
          List<Episode> fresh = new ArrayList<>(messages.size());
          List<String> ids = new ArrayList<>(messages.size());
          for (Message m : redacted.messages()) {
            String id =
                m.id() != null ? m.id() : "msg_" + UUID.randomUUID().toString().replace("-", "");
            ids.add(id);
            Instant at = m.timestamp() != null ? m.timestamp().truncatedTo(ChronoUnit.MICROS) : now;
            fresh.add(new Episode(id, user, m.role(), m.name(), m.content(), sessionId, at, null));
          }
          Set<String> known = store.knownMessageIds(tenant, user, ids);
          fresh.removeIf(e -> known.contains(e.messageId()));
          UserRecord row = userRowFor(existing, user, org, now);
          if (fresh.isEmpty()) {
            if (row != null) {
              store.write(tenant, user, UserWrite.user(row));
              invalidate(tenant, user);
            }
            return new ObserveResult(0, known.size(), List.of(), List.of(), List.of());
          }

          String userName = existing != null ? existing.profile().name() : null;
          boolean batched = extractor.batched();
          List<Candidate> candidates = List.of();
          if (!batched) {
            PrivacyGuard.Screened screened =
                privacy.screen(
                    user,
                    policy,
                    extractor.extract(new ExtractionRequest(tenant, user, userName, fresh)),
                    now);
            candidates = screened.kept();
            audit.addAll(screened.audit());
          }
          List<List<String>> episodeTexts = embeddingTexts(timelineFor(tenant, user, fresh), fresh);
          List<String> texts = new ArrayList<>(fresh.size() + candidates.size());
          episodeTexts.forEach(texts::addAll);
          int episodeVectors = texts.size();
          candidates.forEach(c -> texts.add(c.text()));
          List<float[]> vectors = embedder.embedAll(texts);
          List<@Nullable Embedding> episodeEmbeddings =
              joined(episodeTexts, vectors.subList(0, episodeVectors));
          List<Episode> episodes = new ArrayList<>(fresh.size());
          Map<String, SourceRef> sources = new HashMap<>();
          for (int i = 0; i < fresh.size(); i++) {
            Episode e = fresh.get(i).withEmbedding(episodeEmbeddings.get(i));
            episodes.add(e);
            sources.put(e.messageId(), SourceRef.of(e));
          }
          List<@Nullable Embedding> candidateVectors = new ArrayList<>(candidates.size());
          for (int i = 0; i < candidates.size(); i++) {
            candidateVectors.add(embedding(vectors.get(episodeVectors + i)));
          }
          if (batched) {
            // Stored now, searchable at once; facts are extracted with the next batch.
            store.write(
                tenant,
                user,
                new UserWrite(now, row, episodes, List.of(), List.of(), audit)
                    .withEpisodesAwaitingExtraction());
            invalidate(tenant, user);
            metrics.observed(episodes.size(), 0, 0, 0);
            if (flusher != null) {
              flusher.wake();
            }
            return new ObserveResult(
                episodes.size(), known.size(), List.of(), List.of(), List.of(), episodes.size());
          }
          // From the store, not the working set: consolidation compares vectors, which working
          // sets keep only in their dense index.
          List<Memory> active = store.memories(tenant, user, MemoryQuery.active());
          Learned learned = learn(tenant, user, candidates, candidateVectors, active, sources, now);
          store.write(
              tenant,
              user,
              new UserWrite(now, row, episodes, learned.memories(), learned.changes(), audit));
          invalidate(tenant, user);
          return learned.result(episodes.size(), known.size());
        });
  }

  /** What consolidation and compression decided, ready to write. */
  private record Learned(
      Consolidator.Outcome outcome, Compressor.Update summaries, EngineMetrics metrics) {
    List<Memory> memories() {
      return concat(outcome.memories(), summaries.memories());
    }

    List<MemoryChange> changes() {
      return concat(outcome.changes(), summaries.changes());
    }

    ObserveResult result(int stored, int duplicates) {
      metrics.observed(
          stored, outcome.added().size(), outcome.reinforced().size(), outcome.superseded().size());
      Map<MemoryId, Memory> byId = new HashMap<>();
      outcome.memories().forEach(m -> byId.put(m.id(), m));
      return new ObserveResult(
          stored,
          duplicates,
          outcome.added().stream().map(byId::get).toList(),
          outcome.reinforced().stream().map(byId::get).toList(),
          outcome.superseded().stream().map(byId::get).toList());
    }
  }

  /**
   * Consolidates candidates with the user's active memories (asking the judge, if there is one,
   * about the close calls) and refreshes the summaries of the categories touched.
   */
  private Learned learn(
      TenantId tenant,
      UserId user,
      List<Candidate> candidates,
      List<@Nullable Embedding> candidateVectors,
      List<Memory> active,
      Map<String, SourceRef> sources,
      Instant now) {
    List<Memory> facts = active.stream().filter(m -> !Compressor.isSummary(m)).toList();
    Map<Integer, ConsolidationJudge.Decision> decisions =
        judge(tenant, candidates, candidateVectors, facts);
    Consolidator.Outcome outcome =
        consolidator.consolidate(
            user,
            candidates,
            candidateVectors,
            facts,
            sources,
            "extractor:" + extractor.id(),
            now,
            decisions,
            judge == null ? "extractor:" + extractor.id() : "judge:" + judge.id());
    return new Learned(outcome, summaries(tenant, user, active, outcome.memories(), now), metrics);
  }

  /** The judge's decisions on the close calls; none without a judge or when it fails. */
  private Map<Integer, ConsolidationJudge.Decision> judge(
      TenantId tenant,
      List<Candidate> candidates,
      List<@Nullable Embedding> vectors,
      List<Memory> facts) {
    if (judge == null || candidates.isEmpty()) {
      return Map.of();
    }
    List<ConsolidationJudge.Case> cases = consolidator.ambiguous(candidates, vectors, facts);
    if (cases.isEmpty()) {
      return Map.of();
    }
    try {
      Map<Integer, ConsolidationJudge.Decision> out = new HashMap<>();
      for (ConsolidationJudge.Decision d : judge.judge(tenant, cases)) {
        out.put(d.index(), d);
      }
      return out;
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "consolidation judge failed, the rules decide: " + e.getMessage());
      return Map.of();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // the extraction buffer (batched extractors)

  /**
   * Extracts facts from the user's messages awaiting extraction now, whatever the batch size or
   * idle time (the background flusher does this on its own when a batch is due). A failure keeps
   * the messages buffered for a later attempt, counted in {@link #extractionBacklog}.
   *
   * @return the memories changed; {@code awaitingExtraction} counts messages still buffered
   */
  public ObserveResult flushExtraction(TenantId tenant, UserId user) {
    Instant now = now();
    List<Episode> batch =
        store.episodesAwaitingExtraction(tenant, user, now, extractionBuffer.maxMessages());
    if (batch.isEmpty()) {
      return ObserveResult.unchanged(0);
    }
    // Another process sharing the store may be extracting this user: one model call per batch.
    if (!store.claimExtraction(tenant, user, node, now, now.plus(EXTRACTION_LEASE))) {
      return ObserveResult.unchanged(batch.size());
    }
    try {
      return extractClaimed(tenant, user, batch, now);
    } finally {
      store.releaseExtraction(tenant, user, node);
    }
  }

  private ObserveResult extractClaimed(
      TenantId tenant, UserId user, List<Episode> batch, Instant now) {
    Set<String> ids = new java.util.LinkedHashSet<>();
    batch.forEach(e -> ids.add(e.messageId()));
    UserRecord existing = store.findUser(tenant, user).orElse(null);
    DataPolicy policy = privacy.policyFor(tenant, existing == null ? null : existing.org());
    List<Candidate> raw;
    try {
      raw =
          extractor.extract(
              new ExtractionRequest(
                  tenant, user, existing == null ? null : existing.profile().name(), batch));
    } catch (RuntimeException e) {
      int failures =
          store.deferExtraction(tenant, user, ids, n -> now.plus(extractionBuffer.retryAfter(n)));
      Duration wait = extractionBuffer.retryAfter(failures);
      metrics.extractionFailed();
      LOG.log(
          System.Logger.Level.WARNING,
          "extraction of "
              + ids.size()
              + " message(s) failed (attempt "
              + failures
              + "); kept for a retry in "
              + wait.toSeconds()
              + " s: "
              + e.getMessage());
      return ObserveResult.unchanged(ids.size());
    }
    PrivacyGuard.Screened screened = privacy.screen(user, policy, raw, now);
    List<Candidate> candidates = screened.kept();
    List<float[]> vectors = embedder.embedAll(candidates.stream().map(Candidate::text).toList());
    List<@Nullable Embedding> candidateVectors = new ArrayList<>(candidates.size());
    vectors.forEach(v -> candidateVectors.add(embedding(v)));
    Map<String, SourceRef> sources = new HashMap<>();
    batch.forEach(e -> sources.put(e.messageId(), SourceRef.of(e)));
    return locked(
        tenant,
        user,
        () -> {
          List<Memory> active = store.memories(tenant, user, MemoryQuery.active());
          Learned learned = learn(tenant, user, candidates, candidateVectors, active, sources, now);
          try {
            store.write(
                tenant,
                user,
                new UserWrite(
                        now,
                        null,
                        List.of(),
                        learned.memories(),
                        learned.changes(),
                        screened.audit())
                    .completingExtraction(ids));
          } catch (ConflictException e) {
            // Another process extracted these messages first: its result stands.
            return ObserveResult.unchanged(0);
          }
          invalidate(tenant, user);
          return learned.result(0, 0);
        });
  }

  private void flushQuietly(TenantId tenant, UserId user) {
    flushExtraction(tenant, user);
  }

  /** How many of the tenant's messages await extraction, and how many of those failed before. */
  public MemoryStore.ExtractionBacklog extractionBacklog(TenantId tenant) {
    return store.extractionBacklog(tenant);
  }

  /**
   * The texts each message of {@code batch} is embedded from: the message after the {@code
   * denseContext} messages before it in its session, so that an answer carries the question it
   * answers; or, for a long message, each of its {@link Passages} on its own. {@code timeline}
   * holds, oldest first, every message that may precede one of the batch (the batch included).
   */
  private List<List<String>> embeddingTexts(List<Episode> timeline, List<Episode> batch) {
    int context = retriever.policy().denseContext();
    Map<String, String> texts = new HashMap<>();
    Map<String, List<Episode>> sessions = new HashMap<>();
    for (Episode e : timeline) {
      List<Episode> before =
          sessions.computeIfAbsent(String.valueOf(e.sessionId()), k -> new ArrayList<>());
      StringBuilder text = new StringBuilder();
      if (e.sessionId() != null) {
        for (Episode p : before.subList(Math.max(0, before.size() - context), before.size())) {
          text.append(p.indexText()).append('\n');
        }
      }
      texts.put(e.messageId(), text.append(e.indexText()).toString());
      before.add(e);
    }
    List<List<String>> out = new ArrayList<>(batch.size());
    for (Episode e : batch) {
      List<Passages.Span> passages = Passages.split(e.content());
      if (passages.size() == 1) {
        out.add(List.of(texts.get(e.messageId())));
      } else {
        String who = e.speaker() == null ? "" : e.speaker() + ": ";
        out.add(passages.stream().map(p -> who + p.of(e.content())).toList());
      }
    }
    return out;
  }

  /** Each message's vectors (one, or one per passage) as one embedding, in order. */
  private List<@Nullable Embedding> joined(List<List<String>> texts, List<float[]> vectors) {
    List<@Nullable Embedding> out = new ArrayList<>(texts.size());
    int at = 0;
    for (List<String> parts : texts) {
      if (parts.size() == 1) {
        out.add(embedding(vectors.get(at)));
      } else {
        float[] all = new float[parts.size() * embedder.dimensions()];
        for (int i = 0; i < parts.size(); i++) {
          System.arraycopy(
              vectors.get(at + i), 0, all, i * embedder.dimensions(), embedder.dimensions());
        }
        out.add(embedding(all));
      }
      at += parts.size();
    }
    return out;
  }

  /** Stored messages that precede a new batch in its sessions, then the batch: oldest first. */
  private List<Episode> timelineFor(TenantId tenant, UserId user, List<Episode> fresh) {
    int context = retriever.policy().denseContext();
    List<Episode> timeline = new ArrayList<>();
    if (context > 0) {
      fresh.stream()
          .map(Episode::sessionId)
          .filter(Objects::nonNull)
          .distinct()
          .forEach(
              session ->
                  timeline.addAll(
                      store.episodes(tenant, user, new EpisodeQuery(session, context))));
    }
    timeline.addAll(fresh);
    return timeline;
  }

  // ---------------------------------------------------------------------------------------------
  // observe in the background

  /**
   * Accepts messages for observing in the background and returns at once with the observation's id.
   * The messages are validated now (an invalid call throws and nothing is stored), given ids and
   * timestamps, and stored durably before this returns: a crash loses nothing accepted. A user's
   * observations are processed in the order accepted; {@link #observation} tells how one ended.
   *
   * @param actor who sent them (recorded in the history of the memories they change)
   * @throws IllegalStateException if the store keeps no observation log
   */
  public String submit(
      TenantId tenant,
      UserId user,
      @Nullable OrgId org,
      @Nullable String sessionId,
      List<Message> messages,
      String actor) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(actor, "actor");
    ObserveValidation.check(sessionId, messages);
    if (observationLog == null || worker == null) {
      throw new IllegalStateException(
          "this store keeps no observation log: call observe(..) instead of submit(..)");
    }
    Instant now = now();
    // Redacted before the queue stores them: raw personal data never reaches the disk.
    OrgId orgOfUser =
        org != null ? org : store.findUser(tenant, user).map(UserRecord::org).orElse(null);
    PrivacyGuard.RedactedMessages redacted =
        privacy.redact(user, privacy.policyFor(tenant, orgOfUser), messages, now);
    List<Message> fixed = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      Message m = redacted.messages().get(i);
      fixed.add(
          new Message(
              m.role(),
              m.content(),
              m.id() != null ? m.id() : "msg_" + UUID.randomUUID().toString().replace("-", ""),
              // Microseconds apart, so messages without times keep their order.
              m.timestamp() != null
                  ? m.timestamp().truncatedTo(ChronoUnit.MICROS)
                  : now.plusNanos(1000L * i),
              m.name()));
    }
    String id = "obs_" + UUID.randomUUID().toString().replace("-", "");
    observationLog.enqueue(
        tenant, Observation.pending(id, user, org, sessionId, fixed, actor, now));
    if (!redacted.audit().isEmpty() && store instanceof AccessStore access) {
      access.appendAudit(tenant, redacted.audit());
    }
    worker.wake();
    return id;
  }

  /** An accepted observation: pending, running, done or failed. */
  public Optional<Observation> observation(TenantId tenant, String observationId) {
    return observationLog == null
        ? Optional.empty()
        : observationLog.findObservation(tenant, observationId);
  }

  /**
   * Waits until an accepted observation is done or failed, or {@code timeout} passes; returns its
   * state then.
   */
  public Optional<Observation> awaitObservation(
      TenantId tenant, String observationId, Duration timeout) {
    if (worker == null) {
      return observation(tenant, observationId);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    var done = worker.completion(tenant, observationId);
    while (true) {
      Optional<Observation> o = observation(tenant, observationId);
      if (o.isEmpty()
          || o.get().state() == Observation.State.DONE
          || o.get().state() == Observation.State.FAILED) {
        return o;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return o;
      }
      try {
        // Woken by this process's worker; polled in case another process does the work.
        done.get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        // poll again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return o;
      } catch (ExecutionException e) {
        throw unwrap(e);
      }
    }
  }

  private ObserveResult process(TenantId tenant, Observation o) {
    return observe(tenant, o.user(), o.org(), o.sessionId(), o.messages());
  }

  /** The user row to write: a new one, one with a changed org, or null when nothing changes. */
  private static @Nullable UserRecord userRowFor(
      @Nullable UserRecord existing, UserId user, @Nullable OrgId org, Instant now) {
    if (existing == null) {
      return UserRecord.create(user, org, now);
    }
    if (org != null && !org.equals(existing.org())) {
      return new UserRecord(user, org, existing.profile(), existing.createdAt(), now);
    }
    return null;
  }

  private @Nullable Embedding embedding(float @Nullable [] vector) {
    return vector == null ? null : new Embedding(embedder.modelId(), vector);
  }

  // ---------------------------------------------------------------------------------------------
  // profiles and orgs

  /** How confidence fades with time: used to tell a memory's effective confidence. */
  public DecayPolicy decayPolicy() {
    return retriever.decay();
  }

  /** The data policy that applies to the user: their org's, or the default. */
  public DataPolicy policyOf(TenantId tenant, UserId user) {
    return privacy.policyFor(
        tenant, store.findUser(tenant, user).map(UserRecord::org).orElse(null));
  }

  /** The user's record (profile and org), or empty if Attune has never heard of them. */
  public Optional<UserRecord> user(TenantId tenant, UserId user) {
    return store.findUser(tenant, user);
  }

  /** Replaces the user's profile, creating the user if needed. */
  public UserRecord putProfile(TenantId tenant, UserId user, UserProfile profile) {
    Objects.requireNonNull(profile, "profile");
    return updateUser(
        tenant, user, r -> new UserRecord(user, r.org(), profile, r.createdAt(), now()));
  }

  /**
   * Applies a JSON merge patch to the user's profile (see {@link UserProfile#patch}), creating the
   * user if needed.
   */
  public UserRecord patchProfile(TenantId tenant, UserId user, Map<String, ?> patch) {
    Objects.requireNonNull(patch, "patch");
    return updateUser(
        tenant,
        user,
        r -> new UserRecord(user, r.org(), r.profile().patch(patch), r.createdAt(), now()));
  }

  /** Sets (or, with null, clears) the org the user belongs to, creating the user if needed. */
  public UserRecord setOrg(TenantId tenant, UserId user, @Nullable OrgId org) {
    return updateUser(
        tenant, user, r -> new UserRecord(user, org, r.profile(), r.createdAt(), now()));
  }

  private UserRecord updateUser(TenantId tenant, UserId user, UnaryOperator<UserRecord> change) {
    return locked(
        tenant,
        user,
        () -> {
          UserRecord current =
              store.findUser(tenant, user).orElseGet(() -> UserRecord.create(user, null, now()));
          UserRecord updated = change.apply(current);
          store.write(tenant, user, UserWrite.user(updated));
          invalidate(tenant, user);
          return updated;
        });
  }

  public Optional<OrgProfile> org(TenantId tenant, OrgId org) {
    return store.findOrg(tenant, org);
  }

  public OrgProfile putOrg(TenantId tenant, OrgId org, OrgProfile profile) {
    Objects.requireNonNull(profile, "profile");
    store.putOrg(tenant, org, profile);
    return profile;
  }

  /** Applies a JSON merge patch to the org's profile, creating it if needed. */
  public OrgProfile patchOrg(TenantId tenant, OrgId org, Map<String, ?> patch) {
    synchronized (this) {
      OrgProfile updated = store.findOrg(tenant, org).orElse(OrgProfile.empty()).patch(patch);
      store.putOrg(tenant, org, updated);
      return updated;
    }
  }

  public boolean deleteOrg(TenantId tenant, OrgId org) {
    return store.deleteOrg(tenant, org);
  }

  // ---------------------------------------------------------------------------------------------
  // memories

  /** The user's memories matching the query, newest first. */
  public List<Memory> memories(TenantId tenant, UserId user, MemoryQuery query) {
    return store.memories(tenant, user, query);
  }

  /** How many active memories the tenant holds, over all its users. */
  public long countActiveMemories(TenantId tenant) {
    return store.countActiveMemories(tenant);
  }

  /** One memory, in any status. */
  public Optional<Memory> memory(TenantId tenant, UserId user, MemoryId id) {
    return store.findMemory(tenant, user, id);
  }

  /** Adds a memory explicitly (it does not come from conversation), creating the user if needed. */
  public Memory addMemory(TenantId tenant, UserId user, NewMemory memory, String actor) {
    Objects.requireNonNull(memory, "memory");
    return locked(
        tenant,
        user,
        () -> {
          Instant now = now();
          privacy.checkExplicit(policyOf(tenant, user), memory.text(), memory.category());
          Memory m =
              Memory.create(
                      MemoryId.random(),
                      user,
                      memory.text(),
                      memory.category(),
                      null,
                      1.0,
                      Provenance.explicit(),
                      memory.validFrom() != null
                          ? memory.validFrom().truncatedTo(ChronoUnit.MICROS)
                          : now,
                      now)
                  .withPinned(memory.pinned(), now)
                  .withEmbedding(embedding(embedder.embed(memory.text())));
          MemoryChange created =
              new MemoryChange(
                  m.id(), now, ChangeKind.CREATED, actor, null, m.text(), null, List.of());
          Compressor.Update summaries =
              summaries(
                  tenant,
                  user,
                  store.memories(tenant, user, MemoryQuery.active()),
                  List.of(m),
                  now);
          store.write(
              tenant,
              user,
              UserWrite.memories(
                  now,
                  concat(List.of(m), summaries.memories()),
                  concat(List.of(created), summaries.changes())));
          invalidate(tenant, user);
          return m;
        });
  }

  /**
   * Edits an active memory. A changed text or category pins it.
   *
   * @throws NotFoundException if the user has no such memory, or it was deleted
   * @throws ConflictException if it was superseded (edit its successor instead)
   */
  public Memory editMemory(
      TenantId tenant, UserId user, MemoryId id, MemoryEdit edit, String actor) {
    Objects.requireNonNull(edit, "edit");
    return locked(
        tenant,
        user,
        () -> {
          Instant now = now();
          Memory current = activeMemory(tenant, user, id);
          if (Compressor.isSummary(current)) {
            throw new ConflictException(
                "memory "
                    + id
                    + " is a summary Attune writes from the user's "
                    + current.category().wireName()
                    + " memories; edit or delete those instead");
          }
          Memory updated = current;
          List<MemoryChange> changes = new ArrayList<>();
          boolean textChanged = edit.text() != null && !edit.text().equals(current.text());
          boolean categoryChanged =
              edit.category() != null && edit.category() != current.category();
          if (textChanged || categoryChanged) {
            String text = textChanged ? edit.text() : current.text();
            privacy.checkExplicit(
                policyOf(tenant, user),
                text,
                categoryChanged ? edit.category() : current.category());
            updated =
                current
                    .withText(text, categoryChanged ? edit.category() : current.category(), now)
                    .withPinned(true, now)
                    .withEmbedding(embedding(embedder.embed(text)));
            changes.add(
                new MemoryChange(
                    id, now, ChangeKind.EDITED, actor, current.text(), text, null, List.of()));
          }
          if (edit.pinned() != null && edit.pinned() != updated.pinned()) {
            updated = updated.withPinned(edit.pinned(), now);
            changes.add(
                new MemoryChange(
                    id,
                    now,
                    edit.pinned() ? ChangeKind.PINNED : ChangeKind.UNPINNED,
                    actor,
                    null,
                    null,
                    null,
                    List.of()));
          }
          if (!changes.isEmpty()) {
            Set<Category> touched = EnumSet.of(current.category(), updated.category());
            Compressor.Update summaries =
                summaries(
                    tenant,
                    user,
                    store.memories(tenant, user, MemoryQuery.active()),
                    List.of(updated),
                    touched,
                    now);
            store.write(
                tenant,
                user,
                UserWrite.memories(
                    now,
                    concat(List.of(updated), summaries.memories()),
                    concat(changes, summaries.changes())));
            invalidate(tenant, user);
          }
          return updated;
        });
  }

  /**
   * Deletes a memory: it leaves context at once and stays only as a tombstone in its history until
   * the user is forgotten.
   *
   * @throws NotFoundException if the user has no such memory, or it was already deleted
   */
  public void deleteMemory(TenantId tenant, UserId user, MemoryId id, String actor) {
    locked(
        tenant,
        user,
        () -> {
          Instant now = now();
          Memory current =
              store
                  .findMemory(tenant, user, id)
                  .filter(m -> m.status() != MemoryStatus.DELETED)
                  .orElseThrow(() -> new NotFoundException("memory " + id + " not found"));
          MemoryChange deleted =
              new MemoryChange(
                  id, now, ChangeKind.DELETED, actor, current.text(), null, null, List.of());
          Memory gone = current.deleted(now);
          // The category's summary is written again without it: nothing deleted lingers there.
          Compressor.Update summaries =
              Compressor.isSummary(current)
                  ? Compressor.Update.NONE
                  : summaries(
                      tenant,
                      user,
                      store.memories(tenant, user, MemoryQuery.active()),
                      List.of(gone),
                      now);
          store.write(
              tenant,
              user,
              UserWrite.memories(
                  now,
                  concat(List.of(gone), summaries.memories()),
                  concat(List.of(deleted), summaries.changes())));
          invalidate(tenant, user);
          return null;
        });
  }

  /** The summary updates a change to {@code changed} needs, for the categories it touched. */
  private Compressor.Update summaries(
      TenantId tenant, UserId user, List<Memory> active, List<Memory> changed, Instant now) {
    Set<Category> touched = EnumSet.noneOf(Category.class);
    changed.stream().filter(m -> !Compressor.isSummary(m)).forEach(m -> touched.add(m.category()));
    return summaries(tenant, user, active, changed, touched, now);
  }

  private Compressor.Update summaries(
      TenantId tenant,
      UserId user,
      List<Memory> active,
      List<Memory> changed,
      Set<Category> touched,
      Instant now) {
    if (touched.isEmpty()) {
      return Compressor.Update.NONE;
    }
    Map<MemoryId, Memory> view = new LinkedHashMap<>();
    active.forEach(m -> view.put(m.id(), m));
    changed.forEach(m -> view.put(m.id(), m));
    return compressor.refresh(tenant, user, touched, List.copyOf(view.values()), summarizer, now);
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    if (b.isEmpty()) {
      return a;
    }
    List<T> out = new ArrayList<>(a.size() + b.size());
    out.addAll(a);
    out.addAll(b);
    return out;
  }

  private Memory activeMemory(TenantId tenant, UserId user, MemoryId id) {
    Memory m =
        store
            .findMemory(tenant, user, id)
            .filter(x -> x.status() != MemoryStatus.DELETED)
            .orElseThrow(() -> new NotFoundException("memory " + id + " not found"));
    if (m.status() == MemoryStatus.SUPERSEDED) {
      throw new ConflictException(
          "memory " + id + " was superseded by " + m.supersededBy() + "; edit that one instead");
    }
    return m;
  }

  /**
   * A memory's history, oldest first.
   *
   * @throws NotFoundException if the user has no such memory
   */
  public List<MemoryChange> history(TenantId tenant, UserId user, MemoryId id) {
    if (store.findMemory(tenant, user, id).isEmpty()) {
      throw new NotFoundException("memory " + id + " not found");
    }
    return store.history(tenant, user, id);
  }

  // ---------------------------------------------------------------------------------------------
  // the user's rights: export and erasure

  /** Everything held about the user (vectors aside). */
  public UserExport export(TenantId tenant, UserId user) {
    UserRecord record = store.findUser(tenant, user).orElse(null);
    List<Memory> memories =
        store.memories(tenant, user, MemoryQuery.all()).stream()
            .map(m -> m.withEmbedding(null))
            .toList();
    List<Episode> episodes =
        store.episodes(tenant, user, EpisodeQuery.all()).stream()
            .map(e -> e.withEmbedding(null))
            .toList();
    List<MemoryChange> history = new ArrayList<>();
    for (Memory m : memories) {
      history.addAll(store.history(tenant, user, m.id()));
    }
    return new UserExport(record, memories, episodes, history);
  }

  /**
   * Erases everything held about the user: profile, memories, episodes, history. Returns false if
   * there was nothing.
   */
  public boolean forget(TenantId tenant, UserId user) {
    return locked(
        tenant,
        user,
        () -> {
          boolean existed = store.forget(tenant, user);
          invalidate(tenant, user);
          return existed;
        });
  }

  // ---------------------------------------------------------------------------------------------
  // maintenance

  /**
   * Re-embeds, with the current model, every memory and episode of the tenant whose vector was made
   * by another model (or is missing). One transaction per user; safe to interrupt and run again.
   *
   * @param progress called after each user with the number of users done
   * @return the number of vectors made
   */
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
    return locked(
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
          List<List<String>> episodeTexts = embeddingTexts(timeline, episodes);
          episodeTexts.forEach(texts::addAll);
          List<float[]> vectors = embedder.embedAll(texts);
          List<Memory> reMemories = new ArrayList<>();
          for (int i = 0; i < memories.size(); i++) {
            reMemories.add(memories.get(i).withEmbedding(embedding(vectors.get(i))));
          }
          List<@Nullable Embedding> episodeEmbeddings =
              joined(episodeTexts, vectors.subList(memories.size(), vectors.size()));
          List<Episode> reEpisodes = new ArrayList<>();
          for (int i = 0; i < episodes.size(); i++) {
            reEpisodes.add(episodes.get(i).withEmbedding(episodeEmbeddings.get(i)));
          }
          store.write(tenant, user, new UserWrite(now(), null, reEpisodes, reMemories, List.of()));
          invalidate(tenant, user);
          return texts.size();
        });
  }

  /**
   * Runs the embedding model and the tokenizer once, so that the first request does not pay for
   * loading them (the first embedding takes ten times longer than the next).
   */
  public void warmUp() {
    for (int i = 0; i < 3; i++) {
      embedder.embed("What does the user prefer for lunch on Fridays?");
    }
    tokens.count("warm up");
    // The whole retrieval and assembly path once, on a made-up user that is never stored or
    // cached: the first real request then finds its classes loaded and compiled, and is not
    // answered degraded for want of it.
    Instant now = now();
    UserId user = UserId.of("warm-up");
    List<String> facts =
        List.of(
            "User lives in Porto.",
            "User is allergic to peanuts.",
            "User prefers short answers.",
            "User works as a nurse.");
    List<float[]> vectors = embedder.embedAll(facts);
    List<Memory> memories = new ArrayList<>();
    List<Episode> episodes = new ArrayList<>();
    for (int i = 0; i < facts.size(); i++) {
      Embedding e = embedding(vectors.get(i));
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
    WorkingSet ws =
        WorkingSet.build(
            new UserRecord(user, null, UserProfile.empty(), now, now),
            memories,
            episodes,
            embedder.modelId(),
            embedder.dimensions(),
            retriever.policy().lexicalContext());
    for (int i = 0; i < 3; i++) {
      ContextRequest r =
          ContextRequest.builder(TenantId.of("warm-up"), user)
              .query("Suggest a restaurant for tonight")
              .maxTokens(300)
              .build();
      RetrievalQuery q =
          new RetrievalQuery(
              r.query(), embedder.embed(r.query()), embedder.modelId(), r.categories(), null, null);
      List<Hit> hits = retriever.search(ws, q, now, r.limit());
      assembler.assemble(ws, null, r, hits, assembler.effectiveBudget(r), false, now);
    }
  }

  /** Drops every cached working set (they reload on next use). */
  public void clearCaches() {
    workingSets.invalidateAll();
  }

  // ---------------------------------------------------------------------------------------------
  // retention

  /**
   * Deletes, in every tenant, the episodes older than the retention period (see {@link
   * Builder#episodeRetention}); runs on its own every {@link Builder#retentionSweepEvery} too. Each
   * tenant's deletion is recorded in its audit log. Returns how many episodes were deleted; 0 when
   * episodes are kept forever.
   */
  public long purgeExpiredEpisodes() {
    if (episodeRetention.isZero()) {
      return 0;
    }
    Instant now = now();
    Instant cutoff = now.minus(episodeRetention);
    long total = 0;
    for (TenantId tenant : store.tenants()) {
      long deleted = store.deleteEpisodesBefore(tenant, cutoff);
      if (deleted == 0) {
        continue;
      }
      total += deleted;
      workingSets.asMap().keySet().removeIf(k -> k.tenant().equals(tenant));
      if (store instanceof AccessStore access) {
        access.appendAudit(
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
    }
    return total;
  }

  private void sweepQuietly() {
    try {
      purgeExpiredEpisodes();
    } catch (RuntimeException e) {
      // A failed sweep is retried at the next interval; the store logs its own failures.
      System.getLogger(Attune.class.getName())
          .log(System.Logger.Level.WARNING, "episode retention sweep failed: " + e.getMessage());
    }
  }

  /** Stops background work and closes the store. */
  @Override
  public void close() {
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
    if (flusher != null) {
      flusher.close();
    }
    if (worker != null) {
      worker.close();
    }
    background.shutdown();
    try {
      background.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    store.close();
  }

  // ---------------------------------------------------------------------------------------------

  /** The engine's clock at the precision stores keep (microseconds), so that reads equal writes. */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private interface Work<T> {
    T run();
  }

  /** Runs {@code work} holding the user's lock: one writer per user at a time in this process. */
  private <T> T locked(TenantId tenant, UserId user, Work<T> work) {
    ReentrantLock lock = locks[Math.floorMod(new UserKey(tenant, user).hashCode(), LOCK_STRIPES)];
    lock.lock();
    try {
      return work.run();
    } finally {
      lock.unlock();
    }
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

  /**
   * Configures an {@link Attune}. Only a store is required ({@link #dataDir} or {@link #store});
   * the embedder defaults to the one found on the class path (attune-models' local
   * all-MiniLM-L6-v2), the extractor to the offline {@link HeuristicExtractor}, the tokenizer to
   * {@code cl100k_base}, the clock to the system clock.
   */
  public static final class Builder {
    private @Nullable MemoryStore store;
    private @Nullable String location;
    private @Nullable Embedder embedder;
    private Extractor extractor = new HeuristicExtractor();
    private TokenCounter tokens = TokenCounters.cl100k();
    private InstantSource clock = InstantSource.system();
    private EngineMetrics metrics = EngineMetrics.NOOP;
    private Priorities priorities = Priorities.defaults();
    private RetrievalPolicy retrievalPolicy = RetrievalPolicy.defaults();
    private AssemblyPolicy assemblyPolicy = AssemblyPolicy.defaults();
    private long workingSetCacheBytes = 512L * 1024 * 1024;
    private int workingSetEpisodes = 5_000;
    private DataPolicy dataPolicy = DataPolicy.defaults();
    private DecayPolicy decayPolicy = DecayPolicy.defaults();
    private Duration episodeRetention = Duration.ofDays(90);
    private Compressor compressor = Compressor.defaults();
    private @Nullable ConsolidationJudge judge;
    private ExtractionBuffer extractionBuffer = ExtractionBuffer.defaults();
    private Summarizer summarizer = new ExtractiveSummarizer();
    private Duration retentionSweepEvery = Duration.ofHours(1);

    private Builder() {}

    /** Keep data in this directory (created if missing), with the embedded SQLite store. */
    public Builder dataDir(Path dir) {
      this.location = Objects.requireNonNull(dir, "dir").toString();
      this.store = null;
      return this;
    }

    /** Keep data at a location a store adapter on the class path accepts (a directory or URL). */
    public Builder storeLocation(String location) {
      this.location = Objects.requireNonNull(location, "location");
      this.store = null;
      return this;
    }

    /** Use this store; {@link Attune#close()} closes it. */
    public Builder store(MemoryStore store) {
      this.store = Objects.requireNonNull(store, "store");
      this.location = null;
      return this;
    }

    public Builder embedder(Embedder embedder) {
      this.embedder = Objects.requireNonNull(embedder, "embedder");
      return this;
    }

    public Builder extractor(Extractor extractor) {
      this.extractor = Objects.requireNonNull(extractor, "extractor");
      return this;
    }

    public Builder tokenCounter(TokenCounter tokens) {
      this.tokens = Objects.requireNonNull(tokens, "tokens");
      return this;
    }

    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder metrics(EngineMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    public Builder priorities(Priorities priorities) {
      this.priorities = Objects.requireNonNull(priorities, "priorities");
      return this;
    }

    public Builder retrievalPolicy(RetrievalPolicy policy) {
      this.retrievalPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * How long episodes (observed messages) are kept, counted from their timestamp (default 90
     * days); {@link Duration#ZERO} keeps them forever. Memories are not affected: they keep the ids
     * and times of the messages they came from.
     *
     * @throws InvalidRequestException if negative
     */
    public Builder episodeRetention(Duration retention) {
      this.episodeRetention = nonNegative("episode_retention", retention);
      return this;
    }

    /**
     * How often the retention sweep runs in the background (default every hour; the first run a
     * minute after start, or sooner if the interval is shorter); {@link Duration#ZERO} runs it only
     * when {@link Attune#purgeExpiredEpisodes()} is called.
     */
    public Builder retentionSweepEvery(Duration every) {
      this.retentionSweepEvery = nonNegative("retention_sweep", every);
      return this;
    }

    private static Duration nonNegative(String field, Duration d) {
      if (d.isNegative()) {
        throw new InvalidRequestException(field, field + " must not be negative; got " + d);
      }
      return d;
    }

    /**
     * When a category's memories are summarized, and how long the summary is (default: from 12
     * memories, 600 characters).
     */
    public Builder compressor(Compressor compressor) {
      this.compressor = Objects.requireNonNull(compressor, "compressor");
      return this;
    }

    /** Who decides close calls in consolidation (default none: the deterministic rules decide). */
    public Builder judge(@Nullable ConsolidationJudge judge) {
      this.judge = judge;
      return this;
    }

    /**
     * How a batched extractor (a chat model) is fed (default {@link ExtractionBuffer#defaults}).
     */
    public Builder extractionBuffer(ExtractionBuffer buffer) {
      this.extractionBuffer = Objects.requireNonNull(buffer, "buffer");
      return this;
    }

    /** Who writes summaries (default: extractive, offline). */
    public Builder summarizer(Summarizer summarizer) {
      this.summarizer = Objects.requireNonNull(summarizer, "summarizer");
      return this;
    }

    /** How confidence fades with time (default {@link DecayPolicy#defaults()}). */
    public Builder decayPolicy(DecayPolicy policy) {
      this.decayPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    public Builder assemblyPolicy(AssemblyPolicy policy) {
      this.assemblyPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * The data policy for users without an org or whose org is not stored (default: every detector,
     * every category). An org's own policy is part of its profile.
     */
    public Builder dataPolicy(DataPolicy policy) {
      this.dataPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Memory for cached working sets, in bytes (default 512 MiB).
     *
     * @throws InvalidRequestException if below 1 MiB
     */
    public Builder workingSetCacheBytes(long bytes) {
      if (bytes < 1024 * 1024) {
        throw new InvalidRequestException(
            "cache_bytes", "cache_bytes must be at least 1 MiB (1048576); got " + bytes);
      }
      this.workingSetCacheBytes = bytes;
      return this;
    }

    /**
     * How many of a user's most recent episodes a working set holds (default 5,000).
     *
     * @throws InvalidRequestException if below 1
     */
    public Builder workingSetEpisodes(int episodes) {
      if (episodes < 1) {
        throw new InvalidRequestException(
            "working_set_episodes", "working_set_episodes must be at least 1; got " + episodes);
      }
      this.workingSetEpisodes = episodes;
      return this;
    }

    /**
     * Opens the store and starts the engine.
     *
     * @throws IllegalStateException when no store is configured, or no adapter accepts the
     *     location, or no embedder is configured or on the class path
     * @throws StoreException when the store cannot be opened
     */
    public Attune build() {
      Embedder e = embedder != null ? embedder : defaultEmbedder();
      MemoryStore s = store != null ? store : openStore();
      return new Attune(this, s, e);
    }

    private MemoryStore openStore() {
      if (location == null) {
        throw new IllegalStateException(
            "no store configured: call dataDir(path), storeLocation(url) or store(store)");
      }
      for (StoreProvider provider : ServiceLoader.load(StoreProvider.class)) {
        if (provider.accepts(location)) {
          return provider.open(location);
        }
      }
      throw new IllegalStateException(
          "no store adapter on the class path accepts '"
              + location
              + "': add dev.attune:attune-store-sqlite (a directory) or"
              + " dev.attune:attune-store-postgres (a jdbc:postgresql: URL)");
    }

    private static Embedder defaultEmbedder() {
      for (EmbedderProvider provider : ServiceLoader.load(EmbedderProvider.class)) {
        return provider.create();
      }
      throw new IllegalStateException(
          "no embedder configured and none on the class path: add dev.attune:attune-models"
              + " (the local all-MiniLM-L6-v2 model) or call embedder(..)");
    }
  }
}
