package dev.attune.core;

import dev.attune.core.assembly.ContextAssembler;
import dev.attune.core.effectiveness.ContextRecord;
import dev.attune.core.effectiveness.EffectivenessSummary;
import dev.attune.core.effectiveness.Experiment;
import dev.attune.core.effectiveness.ExperimentResults;
import dev.attune.core.effectiveness.Feedback;
import dev.attune.core.effectiveness.UtilizationMatcher;
import dev.attune.core.internal.ContextService;
import dev.attune.core.internal.Effectiveness;
import dev.attune.core.internal.EngineClock;
import dev.attune.core.internal.EpisodeVectors;
import dev.attune.core.internal.Intake;
import dev.attune.core.internal.Learner;
import dev.attune.core.internal.Maintenance;
import dev.attune.core.internal.MemoryEditor;
import dev.attune.core.internal.PrivacyGuard;
import dev.attune.core.internal.Summaries;
import dev.attune.core.internal.UserLocks;
import dev.attune.core.internal.UserRecords;
import dev.attune.core.internal.WorkingSets;
import dev.attune.core.model.DataPolicy;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryChange;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.Observation;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.OrgProfile;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.model.UserProfile;
import dev.attune.core.model.UserRecord;
import dev.attune.core.port.Embedder;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.port.MemoryStore;
import dev.attune.core.port.Store;
import dev.attune.core.retrieval.DecayPolicy;
import dev.attune.core.retrieval.Retriever;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The embedded engine, and the front door to it: one instance per process, shared by all threads.
 * It takes requests and hands back results; the work is done by the classes of {@code
 * dev.attune.core.internal}, each named for its job.
 *
 * <p>{@link #context} answers from a per-user working set cached in memory (loaded on first use,
 * dropped on every write for that user); {@link #observe} stores messages, extracts facts and
 * consolidates them with what is known, in one transaction per call; {@link #submit} accepts them
 * durably and learns in the background.
 *
 * <p>Every method is scoped by tenant and user: nothing one tenant or user does is visible to
 * another. Methods throw {@link InvalidRequestException} (naming the field) for bad input, before
 * anything is written; {@link NotFoundException} for a memory that does not exist for the user;
 * {@link StoreException} when the store fails, after rolling back.
 *
 * <pre>{@code
 * try (Attune attune = Attune.builder().dataDir(Path.of("attune-data")).build()) {
 *   attune.observe(ObserveRequest.builder(tenant, user).sessionId("s1")
 *       .messages(List.of(Message.user("I live in Berlin"))).build());
 *   ContextPack pack = attune.context(
 *       ContextRequest.builder(tenant, user).query("where should I eat?").maxTokens(500).build());
 * }
 * }</pre>
 */
public final class Attune implements AutoCloseable {
  private final Store store;
  private final Embedder embedder;
  private final DecayPolicy decay;
  private final Supplier<Instant> clock;
  private final WorkingSets workingSets;
  private final ContextService context;
  private final Learner learner;
  private final Intake intake;
  private final UserRecords records;
  private final MemoryEditor editor;
  private final Maintenance maintenance;
  private final Effectiveness effects;

  Attune(AttuneBuilder b, Store store, Embedder embedder) {
    this.store = store;
    this.embedder = embedder;
    this.decay = b.decayPolicy;
    this.clock = new EngineClock(b.clock);
    UserLocks locks = new UserLocks();
    PrivacyGuard privacy = new PrivacyGuard(store, b.dataPolicy);
    Summaries summaries = new Summaries(b.compressor, b.summarizer);
    EpisodeVectors vectors = new EpisodeVectors(store, embedder, b.retrievalPolicy.denseContext());
    this.effects =
        new Effectiveness(
            store,
            privacy,
            new UtilizationMatcher(embedder),
            b.metrics,
            clock,
            b.contextRecords,
            b.contextRecordRetention,
            b.effectQueue);
    this.workingSets =
        new WorkingSets(
            store,
            embedder,
            b.retrievalPolicy,
            b.workingSetCacheBytes,
            b.workingSetEpisodes,
            b.metrics);
    this.context =
        new ContextService(
            store,
            embedder,
            new Retriever(b.retrievalPolicy, b.decayPolicy),
            new ContextAssembler(b.tokens, b.priorities, b.assemblyPolicy, b.decayPolicy),
            workingSets,
            effects,
            b.metrics,
            clock);
    this.learner =
        new Learner(
            store,
            embedder,
            b.extractor,
            b.judge,
            privacy,
            summaries,
            vectors,
            b.metrics,
            b.extractionBuffer,
            workingSets,
            locks,
            clock);
    this.intake = new Intake(store, privacy, learner, effects, locks, clock);
    this.records = new UserRecords(store, privacy, workingSets, locks, clock);
    this.editor =
        new MemoryEditor(
            store,
            embedder,
            privacy,
            summaries,
            vectors,
            records,
            workingSets,
            effects,
            locks,
            clock);
    this.maintenance =
        new Maintenance(
            store,
            embedder,
            b.tokens,
            vectors,
            workingSets,
            context,
            effects,
            locks,
            clock,
            b.episodeRetention,
            b.retentionSweepEvery);
  }

  public static AttuneBuilder builder() {
    return new AttuneBuilder();
  }

  /** The id of the embedding model in use, stored beside every vector it makes. */
  public String embeddingModel() {
    return embedder.modelId();
  }

  // ---- context ----

  /**
   * The context for a request: never more tokens than its budget. An unknown user gets an empty
   * pack (or only their org's blocks), not an error. With a timeout, a request whose retrieval is
   * slower answers at once with the profile and org blocks and {@code degraded = true}; retrieval
   * goes on in the background and warms the cache.
   */
  public ContextPack context(ContextRequest request) {
    return context.context(Objects.requireNonNull(request, "request"));
  }

  // ---- observe ----

  /**
   * Stores the request's messages as episodes, extracts facts from the user's own messages and
   * consolidates them, in one transaction. Messages whose id is already stored for the user are
   * skipped, so observing the same messages twice changes nothing. With a batched extractor (a chat
   * model) the messages are stored at once and learned from with their batch.
   */
  public ObserveResult observe(ObserveRequest request) {
    return intake.observe(Objects.requireNonNull(request, "request"));
  }

  /**
   * Accepts messages for observing in the background and returns at once with the observation's id.
   * They are redacted, given ids and timestamps, and stored durably before this returns: a crash
   * loses nothing accepted. A user's observations are processed in the order accepted; {@link
   * #observation} tells how one ended.
   */
  public String submit(ObserveRequest request) {
    return intake.submit(Objects.requireNonNull(request, "request"));
  }

  /** An accepted observation: pending, running, done or failed; empty if there is none. */
  public Optional<Observation> observation(TenantId tenant, String observationId) {
    return intake.observation(tenant, observationId);
  }

  /**
   * Waits until an accepted observation is done or failed, or {@code timeout} passes; returns its
   * state then (empty if there is none).
   */
  public Optional<Observation> awaitObservation(
      TenantId tenant, String observationId, Duration timeout) {
    return intake.awaitObservation(tenant, observationId, timeout);
  }

  /**
   * Extracts facts from the user's messages awaiting extraction now, whatever the batch size or
   * idle time (the background flusher does this on its own when a batch is due). A failure keeps
   * the messages buffered for a later attempt, counted in {@link #extractionBacklog}.
   *
   * @return the memories changed; {@code awaitingExtraction} counts messages still buffered
   */
  public ObserveResult flushExtraction(TenantId tenant, UserId user) {
    return learner.flushExtraction(tenant, user);
  }

  /** How many of the tenant's messages await extraction, and how many of those failed before. */
  public MemoryStore.ExtractionBacklog extractionBacklog(TenantId tenant) {
    return store.extractionBacklog(tenant);
  }

  // ---- users and orgs ----

  /** The user's record (profile and org), or empty if Attune has never heard of them. */
  public Optional<UserRecord> user(TenantId tenant, UserId user) {
    return store.findUser(tenant, user);
  }

  /** The data policy that applies to the user: their org's, or the default. */
  public DataPolicy policyOf(TenantId tenant, UserId user) {
    return records.policyOf(tenant, user);
  }

  /** Replaces the user's profile, creating the user if needed. */
  public UserRecord putProfile(TenantId tenant, UserId user, UserProfile profile) {
    return records.putProfile(tenant, user, profile);
  }

  /** Applies a JSON merge patch to the user's profile, creating the user if needed. */
  public UserRecord patchProfile(TenantId tenant, UserId user, Map<String, ?> patch) {
    return records.patchProfile(tenant, user, patch);
  }

  /** Sets (or, with null, clears) the org the user belongs to, creating the user if needed. */
  public UserRecord setOrg(TenantId tenant, UserId user, @Nullable OrgId org) {
    return records.setOrg(tenant, user, org);
  }

  /** The org's profile, or empty if none is stored. */
  public Optional<OrgProfile> org(TenantId tenant, OrgId org) {
    return store.findOrg(tenant, org);
  }

  /** Replaces the org's profile. */
  public OrgProfile putOrg(TenantId tenant, OrgId org, OrgProfile profile) {
    store.putOrg(tenant, org, Objects.requireNonNull(profile, "profile"));
    return profile;
  }

  /** Applies a JSON merge patch to the org's profile, creating it if needed. */
  public OrgProfile patchOrg(TenantId tenant, OrgId org, Map<String, ?> patch) {
    return records.patchOrg(tenant, org, patch);
  }

  /** Deletes the org's profile; false if there was none. */
  public boolean deleteOrg(TenantId tenant, OrgId org) {
    return store.deleteOrg(tenant, org);
  }

  // ---- memories ----

  /** The user's memories matching the query, newest first. */
  public List<Memory> memories(TenantId tenant, UserId user, MemoryQuery query) {
    return store.memories(tenant, user, query);
  }

  /** One memory, in any status. */
  public Optional<Memory> memory(TenantId tenant, UserId user, MemoryId id) {
    return store.findMemory(tenant, user, id);
  }

  /** How many active memories the tenant holds, over all its users. */
  public long countActiveMemories(TenantId tenant) {
    return store.countActiveMemories(tenant);
  }

  /** The memory as it stands now: its confidence after decay, and whether it is dormant. */
  public MemoryState state(Memory memory) {
    Instant now = clock.get();
    return new MemoryState(
        memory,
        decay.effectiveConfidence(memory, now),
        memory.isActive() && decay.isDormant(memory, now));
  }

  /** Adds a memory explicitly (it does not come from conversation), creating the user if needed. */
  public Memory addMemory(TenantId tenant, UserId user, NewMemory memory, String actor) {
    return editor.add(tenant, user, memory, actor);
  }

  /**
   * Edits an active memory. A changed text or category pins it.
   *
   * @throws NotFoundException if the user has no such memory, or it was deleted
   * @throws ConflictException if it was superseded (edit its successor instead)
   */
  public Memory editMemory(
      TenantId tenant, UserId user, MemoryId id, MemoryEdit edit, String actor) {
    return editor.edit(tenant, user, id, edit, actor);
  }

  /**
   * Deletes a memory: it leaves context at once and stays only as a tombstone in its history until
   * the user is forgotten.
   *
   * @throws NotFoundException if the user has no such memory, or it was already deleted
   */
  public void deleteMemory(TenantId tenant, UserId user, MemoryId id, String actor) {
    editor.delete(tenant, user, id, actor);
  }

  /**
   * A memory's history, oldest first.
   *
   * @throws NotFoundException if the user has no such memory
   */
  public List<MemoryChange> history(TenantId tenant, UserId user, MemoryId id) {
    return editor.history(tenant, user, id);
  }

  // ---- the user's rights ----

  /** Everything held about the user (vectors aside). */
  public UserExport export(TenantId tenant, UserId user) {
    effects.flush();
    return records.export(tenant, user);
  }

  /**
   * Erases everything held about the user: profile, memories, episodes, history, context records,
   * feedback, corrections. Returns false if there was nothing.
   */
  public boolean forget(TenantId tenant, UserId user) {
    // What is still queued for the user is written first, so that the erasure takes it too.
    effects.flush();
    return records.forget(tenant, user);
  }

  // ---- effectiveness ----

  /**
   * A context served to the user.
   *
   * @throws NotFoundException when the user has no context with this id (one of another user or
   *     tenant included)
   */
  public ContextRecord contextRecord(TenantId tenant, UserId user, String contextId) {
    // What is queued (a reply's matching, say) is written first: the answer is up to date.
    effects.flush();
    return effects.contextRecord(tenant, user, contextId);
  }

  /** The user's latest context records, newest first. */
  public List<ContextRecord> contextRecords(TenantId tenant, UserId user, int limit) {
    return effects.contextRecords(tenant, user, limit);
  }

  /**
   * Stores the application's feedback about the user (and, with {@code contextId}, one pack). The
   * comment is redacted by the data policy's detectors first.
   *
   * @throws InvalidRequestException for a value out of range or a comment too long
   * @throws NotFoundException when {@code contextId} is not a context of the user
   */
  public Feedback feedback(
      TenantId tenant,
      UserId user,
      @Nullable String contextId,
      Feedback.Signal signal,
      @Nullable Double value,
      @Nullable String comment) {
    return effects.feedback(tenant, user, contextId, signal, value, comment);
  }

  /**
   * Creates or replaces an experiment. Context requests of the tenant's users are assigned to the
   * active one's arms within seconds on every node.
   *
   * @throws ConflictException when it is active and another experiment of the tenant is
   */
  public Experiment putExperiment(TenantId tenant, Experiment experiment) {
    return effects.putExperiment(tenant, Objects.requireNonNull(experiment, "experiment"));
  }

  public Optional<Experiment> experiment(TenantId tenant, String name) {
    return effects.experiment(tenant, name);
  }

  public List<Experiment> experiments(TenantId tenant) {
    return effects.experiments(tenant);
  }

  /** Deletes an experiment (its users' records keep their arm); false if there was none. */
  public boolean deleteExperiment(TenantId tenant, String name) {
    return effects.deleteExperiment(tenant, name);
  }

  /**
   * An experiment's results per arm from {@code from} to {@code to}, with intervals, lifts and a
   * verdict.
   *
   * @throws NotFoundException when there is no such experiment
   */
  public ExperimentResults experimentResults(
      TenantId tenant, String name, Instant from, Instant to) {
    return effects.results(tenant, name, from, to);
  }

  /**
   * The tenant's effectiveness from {@code from} to {@code to}, in total and by hour or day.
   *
   * @throws InvalidRequestException for an empty range, or one longer than 31 days by hour or 400
   *     by day
   */
  public EffectivenessSummary effectiveness(
      TenantId tenant, Instant from, Instant to, EffectivenessSummary.Granularity granularity) {
    return effects.summary(tenant, from, to, granularity);
  }

  /**
   * Effectiveness events (context records, figures, reply matching) dropped since start because the
   * background writer's queue was full or the store failed.
   */
  public long droppedRecords() {
    return effects.dropped();
  }

  /**
   * Measures what the tenant stores now (users, memories, episodes, bytes, extraction backlog) into
   * this hour's figures; the retention sweep does it for every tenant on its own.
   */
  public void recordStorage(TenantId tenant) {
    effects.sampleStorage(tenant);
  }

  /** Writes everything recorded so far (context records, figures) before returning. */
  public void flushRecords() {
    effects.flush();
  }

  // ---- maintenance ----

  /**
   * Re-embeds, with the current model, every memory and episode of the tenant whose vector was made
   * by another model (or is missing). One transaction per user; safe to interrupt and run again.
   *
   * @param progress called after each user with the number of users done
   * @return the number of vectors made
   */
  public long reindex(TenantId tenant, Consumer<Integer> progress) {
    return maintenance.reindex(tenant, progress);
  }

  /**
   * Runs the embedding model, the tokenizer and the context path once, so that the first request
   * does not pay for loading them (the first embedding takes ten times longer than the next).
   */
  public void warmUp() {
    maintenance.warmUp();
  }

  /** Drops every cached working set (they reload on next use). */
  public void clearCaches() {
    workingSets.clear();
  }

  /**
   * Deletes, in every tenant, the episodes older than the retention period (see {@link
   * AttuneBuilder#episodeRetention}); runs on its own every {@link
   * AttuneBuilder#retentionSweepEvery} too. Each tenant's deletion is recorded in its audit log.
   * Returns how many episodes were deleted; 0 when episodes are kept forever.
   */
  public long purgeExpiredEpisodes() {
    return maintenance.purgeExpiredEpisodes();
  }

  /** Stops background work and closes the store. */
  @Override
  public void close() {
    maintenance.close();
    learner.close();
    intake.close();
    context.close();
    effects.close();
    store.close();
  }
}
