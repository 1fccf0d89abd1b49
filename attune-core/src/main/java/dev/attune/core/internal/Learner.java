package dev.attune.core.internal;

import dev.attune.core.api.ExtractionBuffer;
import dev.attune.core.api.ObserveResult;
import dev.attune.core.learning.Compressor;
import dev.attune.core.learning.Consolidator;
import dev.attune.core.model.AuditEntry;
import dev.attune.core.model.ConflictException;
import dev.attune.core.model.DataPolicy;
import dev.attune.core.model.Embedding;
import dev.attune.core.model.Episode;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryChange;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.Message;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.SourceRef;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.model.UserRecord;
import dev.attune.core.port.Candidate;
import dev.attune.core.port.ConsolidationJudge;
import dev.attune.core.port.Embedder;
import dev.attune.core.port.EngineMetrics;
import dev.attune.core.port.ExtractionRequest;
import dev.attune.core.port.Extractor;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.port.Store;
import dev.attune.core.port.UserWrite;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Learning from observed messages: stores them as episodes, extracts candidate facts (at once, or
 * for a batched extractor in batches from the durable buffer), screens them for personal data,
 * consolidates them with the user's active memories (the judge, if any, deciding close calls) and
 * refreshes the summaries of the categories touched, all in one write.
 */
public final class Learner implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Learner.class.getName());

  /** How long this engine's claim on a user's extraction holds if it dies meanwhile. */
  static final Duration EXTRACTION_LEASE = Duration.ofMinutes(10);

  private final Store store;
  private final Embedder embedder;
  private final Extractor extractor;
  private final @Nullable ConsolidationJudge judge;
  private final Consolidator consolidator = new Consolidator();
  private final PrivacyGuard privacy;
  private final Summaries summaries;
  private final EpisodeVectors vectors;
  private final EngineMetrics metrics;
  private final ExtractionBuffer buffer;
  private final UserWriter writer;
  private final UserLocks locks;
  private final Supplier<Instant> now;
  private final @Nullable ExtractionFlusher flusher;
  // Users this process is extracting now ("tenant/user").
  private final Set<String> extracting = ConcurrentHashMap.newKeySet();

  /** This engine among the processes sharing its store (claims of extraction work). */
  private final String node;

  public Learner(
      Store store,
      Embedder embedder,
      Extractor extractor,
      @Nullable ConsolidationJudge judge,
      PrivacyGuard privacy,
      Summaries summaries,
      EpisodeVectors vectors,
      EngineMetrics metrics,
      ExtractionBuffer buffer,
      UserWriter writer,
      UserLocks locks,
      Supplier<Instant> now,
      String node) {
    this.node = node;
    this.store = store;
    this.embedder = embedder;
    this.extractor = extractor;
    this.judge = judge;
    this.privacy = privacy;
    this.summaries = summaries;
    this.vectors = vectors;
    this.metrics = metrics;
    this.buffer = buffer;
    this.writer = writer;
    this.locks = locks;
    this.now = now;
    if (extractor.batched()) {
      this.flusher = new ExtractionFlusher(store, now, buffer, this::flushExtraction);
    } else {
      this.flusher = null;
    }
  }

  /**
   * Stores {@code messages} (already validated and redacted) as episodes and learns from them, in
   * one write; the caller holds the user's lock. Messages whose id is already stored are skipped.
   *
   * @param existing the user's record as it stands, or null for a new user
   * @param policy the data policy that applies to the user
   * @param audit what redaction decided, written with the episodes
   * @param observation the queued observation being learned (its writes happen only while it is
   *     still queued: an erasure withdraws it); null for a direct observe
   */
  public ObserveResult storeAndLearn(
      TenantId tenant,
      UserId user,
      @Nullable OrgId org,
      @Nullable String sessionId,
      List<Message> messages,
      @Nullable UserRecord existing,
      DataPolicy policy,
      List<AuditEntry> audit,
      Instant at,
      @Nullable String observation) {
    long storeStart = StageClock.now();
    long elsewhere = 0; // what the other stages took of the time since storeStart
    List<Episode> fresh = new ArrayList<>(messages.size());
    List<String> ids = new ArrayList<>(messages.size());
    for (Message m : messages) {
      String id = m.id() != null ? m.id() : "msg_" + UUID.randomUUID().toString().replace("-", "");
      ids.add(id);
      Instant when = m.timestamp() != null ? m.timestamp().truncatedTo(ChronoUnit.MICROS) : at;
      fresh.add(new Episode(id, user, m.role(), m.name(), m.content(), sessionId, when, null));
    }
    Set<String> known = store.knownMessageIds(tenant, user, ids);
    fresh.removeIf(e -> known.contains(e.messageId()));
    UserRecord row = userRowFor(existing, user, org, at);
    if (fresh.isEmpty()) {
      if (row != null) {
        UserWrite write = UserWrite.user(row).learnedFrom(observation);
        writer.write(tenant, user, write);
      }
      return new ObserveResult(0, known.size(), List.of(), List.of(), List.of());
    }
    List<AuditEntry> written = new ArrayList<>(audit);
    boolean batched = extractor.batched();
    List<Candidate> candidates = List.of();
    if (!batched) {
      long t0 = StageClock.now();
      String userName = existing != null ? existing.profile().name() : null;
      PrivacyGuard.Screened screened =
          privacy.screen(
              user,
              policy,
              extractor.extract(new ExtractionRequest(tenant, user, userName, fresh)),
              at);
      candidates = screened.kept();
      written.addAll(screened.audit());
      long took = StageClock.now() - t0;
      metrics.learningStage("extraction", fresh.size(), took);
      elsewhere += took;
    }
    // Messages and candidates are embedded in one call: the model works best in batches.
    List<List<String>> episodeTexts = vectors.texts(vectors.timeline(tenant, user, fresh), fresh);
    List<String> texts = new ArrayList<>();
    episodeTexts.forEach(texts::addAll);
    int episodeVectors = texts.size();
    candidates.forEach(c -> texts.add(c.text()));
    // Wall time: the embedder's pool computes while this thread waits (or this thread computes,
    // for one text); either way the thread's own clock would be wrong, so both clocks are read.
    long cpu0 = StageClock.now();
    long wall0 = System.nanoTime();
    List<float[]> made = embedder.embedAll(texts);
    metrics.learningStage("embedding", fresh.size(), System.nanoTime() - wall0);
    elsewhere += StageClock.now() - cpu0;
    List<@Nullable Embedding> episodeEmbeddings =
        vectors.joined(episodeTexts, made.subList(0, episodeVectors));
    List<Episode> episodes = new ArrayList<>(fresh.size());
    Map<String, SourceRef> sources = new HashMap<>();
    for (int i = 0; i < fresh.size(); i++) {
      Episode e = fresh.get(i).withEmbedding(episodeEmbeddings.get(i));
      episodes.add(e);
      sources.put(e.messageId(), SourceRef.of(e));
    }
    List<@Nullable Embedding> candidateVectors = new ArrayList<>(candidates.size());
    for (int i = 0; i < candidates.size(); i++) {
      candidateVectors.add(vectors.embedding(made.get(episodeVectors + i)));
    }
    if (batched) {
      // Stored now, searchable at once; facts are extracted with the next batch.
      UserWrite write =
          new UserWrite(at, row, episodes, List.of(), List.of(), written)
              .withEpisodesAwaitingExtraction()
              .learnedFrom(observation);
      writer.write(tenant, user, write);
      metrics.learningStage("store", fresh.size(), StageClock.now() - storeStart - elsewhere);
      metrics.observed(episodes.size(), 0, 0, 0);
      if (flusher != null) {
        flusher.wake();
      }
      return new ObserveResult(
          episodes.size(), known.size(), List.of(), List.of(), List.of(), episodes.size());
    }
    // From the store, not the working set: consolidation compares against what is committed.
    List<Memory> active = store.memories(tenant, user, MemoryQuery.active());
    Learned learned = learn(tenant, user, candidates, candidateVectors, active, sources, at);
    UserWrite write =
        new UserWrite(at, row, episodes, learned.memories(), learned.changes(), written)
            .learnedFrom(observation);
    writer.write(tenant, user, write);
    metrics.learningStage("store", fresh.size(), StageClock.now() - storeStart - elsewhere);
    return learned.result(episodes.size(), known.size());
  }

  /** What consolidation and compression decided, ready to write. */
  private record Learned(
      Consolidator.Outcome outcome, Compressor.Update summaries, EngineMetrics metrics) {
    List<Memory> memories() {
      return Summaries.concat(outcome.memories(), summaries.memories());
    }

    List<MemoryChange> changes() {
      return Summaries.concat(outcome.changes(), summaries.changes());
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
      Instant at) {
    List<Memory> facts = active.stream().filter(m -> !Compressor.isSummary(m)).toList();
    Map<Integer, ConsolidationJudge.Decision> decisions =
        judge(tenant, candidates, candidateVectors, facts);
    String actor = "extractor:" + extractor.id();
    Consolidator.Outcome outcome =
        consolidator.consolidate(
            user,
            candidates,
            candidateVectors,
            facts,
            sources,
            actor,
            at,
            decisions,
            judge == null ? actor : "judge:" + judge.id());
    return new Learned(
        outcome, summaries.refresh(tenant, user, active, outcome.memories(), at), metrics);
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

  /** See {@link dev.attune.core.Attune#flushExtraction}. */
  public ObserveResult flushExtraction(TenantId tenant, UserId user) {
    Instant at = now.get();
    List<Episode> batch = store.episodesAwaitingExtraction(tenant, user, at, buffer.maxMessages());
    if (batch.isEmpty()) {
      return ObserveResult.unchanged(0);
    }
    // Another thread of this process (the background flusher beside an explicit flush) may be
    // extracting this user: the store's claim is this node's either way, so it cannot tell them
    // apart, and both would send the same batch to the model.
    String key = tenant.value() + "/" + user.value();
    if (!extracting.add(key)) {
      return ObserveResult.unchanged(batch.size());
    }
    try {
      // Another process sharing the store may be extracting this user: one model call per batch.
      if (!store.claimExtraction(tenant, user, node, at, at.plus(EXTRACTION_LEASE))) {
        return ObserveResult.unchanged(batch.size());
      }
      try {
        return extractClaimed(tenant, user, batch, at);
      } finally {
        store.releaseExtraction(tenant, user, node);
      }
    } finally {
      extracting.remove(key);
    }
  }

  private ObserveResult extractClaimed(
      TenantId tenant, UserId user, List<Episode> batch, Instant at) {
    Set<String> ids = new LinkedHashSet<>();
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
      int failures = store.deferExtraction(tenant, user, ids, n -> at.plus(buffer.retryAfter(n)));
      metrics.extractionFailed();
      LOG.log(
          System.Logger.Level.WARNING,
          "extraction of "
              + ids.size()
              + " message(s) failed (attempt "
              + failures
              + "); kept for a retry in "
              + buffer.retryAfter(failures).toSeconds()
              + " s: "
              + e.getMessage());
      return ObserveResult.unchanged(ids.size());
    }
    PrivacyGuard.Screened screened = privacy.screen(user, policy, raw, at);
    List<Candidate> candidates = screened.kept();
    List<@Nullable Embedding> candidateVectors = new ArrayList<>(candidates.size());
    embedder.embedAll(candidates.stream().map(Candidate::text).toList()).stream()
        .map(vectors::embedding)
        .forEach(candidateVectors::add);
    Map<String, SourceRef> sources = new HashMap<>();
    batch.forEach(e -> sources.put(e.messageId(), SourceRef.of(e)));
    return locks.locked(
        tenant,
        user,
        () -> {
          List<Memory> active = store.memories(tenant, user, MemoryQuery.active());
          Learned learned = learn(tenant, user, candidates, candidateVectors, active, sources, at);
          UserWrite write =
              new UserWrite(
                      at, null, List.of(), learned.memories(), learned.changes(), screened.audit())
                  .completingExtraction(ids);
          try {
            writer.write(tenant, user, write);
          } catch (ConflictException e) {
            // Another process extracted these messages first: its result stands.
            return ObserveResult.unchanged(0);
          }
          return learned.result(0, 0);
        });
  }

  /** The user row to write: a new one, one with a changed org, or null when nothing changes. */
  private static @Nullable UserRecord userRowFor(
      @Nullable UserRecord existing, UserId user, @Nullable OrgId org, Instant at) {
    if (existing == null) {
      return UserRecord.create(user, org, at);
    }
    if (org != null && !org.equals(existing.org())) {
      return new UserRecord(user, org, existing.profile(), existing.createdAt(), at);
    }
    return null;
  }

  /** Starts the extraction flusher, when the extractor is batched. */
  public void start() {
    if (flusher != null) {
      flusher.start();
    }
  }

  @Override
  public void close() {
    if (flusher != null) {
      flusher.close();
    }
  }
}
