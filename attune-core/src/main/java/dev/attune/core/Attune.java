package dev.attune.core;

import dev.attune.core.api.ContextPack;
import dev.attune.core.api.ContextRequest;
import dev.attune.core.api.ExtractionBacklog;
import dev.attune.core.api.MemoryEdit;
import dev.attune.core.api.MemoryState;
import dev.attune.core.api.NewMemory;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.api.ObserveResult;
import dev.attune.core.api.UserExport;
import dev.attune.core.model.ConflictException;
import dev.attune.core.model.DataPolicy;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryChange;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.NotFoundException;
import dev.attune.core.model.Observation;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.OrgProfile;
import dev.attune.core.model.StoreException;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.model.UserProfile;
import dev.attune.core.model.UserRecord;
import dev.attune.core.port.Embedder;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.port.ObservationLog;
import dev.attune.core.port.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
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
  private final Engine engine;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Wires the engine and starts it; when either fails, the store is closed again. */
  Attune(AttuneBuilder b, Store store, Embedder embedder) {
    Engine wired;
    try {
      wired = Engine.wire(b, store, embedder);
      wired.start();
    } catch (RuntimeException | Error e) {
      try {
        store.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    this.engine = wired;
  }

  public static AttuneBuilder builder() {
    return new AttuneBuilder();
  }

  /** The id of the embedding model in use, stored beside every vector it makes. */
  public String embeddingModel() {
    return engine.embedder().modelId();
  }

  // ---- context ----

  /**
   * The context for a request: never more tokens than its budget. An unknown user gets an empty
   * pack (or only their org's blocks), not an error. With a timeout, a request whose retrieval is
   * slower answers at once with the profile and org blocks and {@code degraded = true}; retrieval
   * goes on in the background and warms the cache.
   */
  public ContextPack context(ContextRequest request) {
    return engine.context().context(Objects.requireNonNull(request, "request"));
  }

  // ---- observe ----

  /**
   * Stores the request's messages as episodes, extracts facts from the user's own messages and
   * consolidates them, in one transaction. Messages whose id is already stored for the user are
   * skipped, so observing the same messages twice changes nothing. With a batched extractor (a chat
   * model) the messages are stored at once and learned from with their batch.
   */
  public ObserveResult observe(ObserveRequest request) {
    return engine.intake().observe(Objects.requireNonNull(request, "request"));
  }

  /**
   * Accepts messages for observing in the background and returns at once with the observation's id.
   * They are redacted, given ids and timestamps, and stored durably before this returns: a crash
   * loses nothing accepted. A user's observations are processed in the order accepted; {@link
   * #observation} tells how one ended.
   */
  public String submit(ObserveRequest request) {
    return engine.intake().submit(Objects.requireNonNull(request, "request"));
  }

  /** An accepted observation: pending, running, done or failed; empty if there is none. */
  public Optional<Observation> observation(TenantId tenant, String observationId) {
    return engine.intake().observation(tenant, observationId);
  }

  /**
   * Waits until an accepted observation is done or failed, or {@code timeout} passes; returns its
   * state then (empty if there is none).
   */
  public Optional<Observation> awaitObservation(
      TenantId tenant, String observationId, Duration timeout) {
    return engine.intake().awaitObservation(tenant, observationId, timeout);
  }

  /**
   * What the store holds accepted and not yet learned, across tenants (every node sharing it learns
   * from one queue): how many observations, and when the oldest was accepted. {@link
   * ObservationLog.Backlog#lagSeconds} is the learning lag a node reports.
   */
  public ObservationLog.Backlog observationBacklog() {
    return engine.store().backlog();
  }

  /**
   * Extracts facts from the user's messages awaiting extraction now, whatever the batch size or
   * idle time (the background flusher does this on its own when a batch is due). A failure keeps
   * the messages buffered for a later attempt, counted in {@link #extractionBacklog}. When the
   * user's batch is already with the model (the background flusher's call, or another process's),
   * returns at once and leaves it to that call: a batch is sent once.
   *
   * @return the memories changed; {@code awaitingExtraction} counts messages still buffered (those
   *     of a failed batch, or of a batch another call is extracting)
   */
  public ObserveResult flushExtraction(TenantId tenant, UserId user) {
    return engine.learner().flushExtraction(tenant, user);
  }

  /** How many of the tenant's messages await extraction, and how many of those failed before. */
  public ExtractionBacklog extractionBacklog(TenantId tenant) {
    return engine.store().extractionBacklog(tenant);
  }

  // ---- users and orgs ----

  /** The user's record (profile and org), or empty if Attune has never heard of them. */
  public Optional<UserRecord> user(TenantId tenant, UserId user) {
    return engine.store().findUser(tenant, user);
  }

  /** The data policy that applies to the user: their org's, or the default. */
  public DataPolicy policyOf(TenantId tenant, UserId user) {
    return engine.records().policyOf(tenant, user);
  }

  /** Replaces the user's profile, creating the user if needed. */
  public UserRecord putProfile(TenantId tenant, UserId user, UserProfile profile) {
    return engine.records().putProfile(tenant, user, profile);
  }

  /** Applies a JSON merge patch to the user's profile, creating the user if needed. */
  public UserRecord patchProfile(TenantId tenant, UserId user, Map<String, ?> patch) {
    return engine.records().patchProfile(tenant, user, patch);
  }

  /** Sets (or, with null, clears) the org the user belongs to, creating the user if needed. */
  public UserRecord setOrg(TenantId tenant, UserId user, @Nullable OrgId org) {
    return engine.records().setOrg(tenant, user, org);
  }

  /** The org's profile, or empty if none is stored. */
  public Optional<OrgProfile> org(TenantId tenant, OrgId org) {
    return engine.store().findOrg(tenant, org);
  }

  /** Replaces the org's profile. */
  public OrgProfile putOrg(TenantId tenant, OrgId org, OrgProfile profile) {
    engine.store().putOrg(tenant, org, Objects.requireNonNull(profile, "profile"));
    return profile;
  }

  /** Applies a JSON merge patch to the org's profile, creating it if needed. */
  public OrgProfile patchOrg(TenantId tenant, OrgId org, Map<String, ?> patch) {
    return engine.records().patchOrg(tenant, org, patch);
  }

  /** Deletes the org's profile; false if there was none. */
  public boolean deleteOrg(TenantId tenant, OrgId org) {
    return engine.store().deleteOrg(tenant, org);
  }

  // ---- memories ----

  /** The user's memories matching the query, newest first. */
  public List<Memory> memories(TenantId tenant, UserId user, MemoryQuery query) {
    return engine.store().memories(tenant, user, query);
  }

  /** One memory, in any status. */
  public Optional<Memory> memory(TenantId tenant, UserId user, MemoryId id) {
    return engine.store().findMemory(tenant, user, id);
  }

  /**
   * The user's memories with these ids (any status), in the ids' order, in one read; ids that name
   * no memory of the user are left out.
   */
  public List<Memory> memories(TenantId tenant, UserId user, List<MemoryId> ids) {
    return engine.store().findMemories(tenant, user, ids);
  }

  /** How many active memories the tenant holds, over all its users. */
  public long countActiveMemories(TenantId tenant) {
    return engine.store().countActiveMemories(tenant);
  }

  /** The memory as it stands now: its confidence after decay, and whether it is dormant. */
  public MemoryState state(Memory memory) {
    Instant now = engine.clock().get();
    return new MemoryState(
        memory,
        engine.decay().effectiveConfidence(memory, now),
        memory.isActive() && engine.decay().isDormant(memory, now));
  }

  /** Adds a memory explicitly (it does not come from conversation), creating the user if needed. */
  public Memory addMemory(TenantId tenant, UserId user, NewMemory memory, String actor) {
    return engine.editor().add(tenant, user, memory, actor);
  }

  /**
   * Edits an active memory. A changed text or category pins it.
   *
   * @throws NotFoundException if the user has no such memory, or it was deleted
   * @throws ConflictException if it was superseded (edit its successor instead)
   */
  public Memory editMemory(
      TenantId tenant, UserId user, MemoryId id, MemoryEdit edit, String actor) {
    return engine.editor().edit(tenant, user, id, edit, actor);
  }

  /**
   * Deletes a memory: it leaves context at once and stays only as a tombstone in its history until
   * the user is forgotten.
   *
   * @throws NotFoundException if the user has no such memory, or it was already deleted
   */
  public void deleteMemory(TenantId tenant, UserId user, MemoryId id, String actor) {
    engine.editor().delete(tenant, user, id, actor);
  }

  /**
   * A memory's history, oldest first.
   *
   * @throws NotFoundException if the user has no such memory
   */
  public List<MemoryChange> history(TenantId tenant, UserId user, MemoryId id) {
    return engine.editor().history(tenant, user, id);
  }

  // ---- the user's rights ----

  /** Everything held about the user (vectors aside). */
  public UserExport export(TenantId tenant, UserId user) {
    engine.tracker().flush();
    return engine.records().export(tenant, user);
  }

  /**
   * Erases everything held about the user: profile, memories, episodes, history, context records,
   * feedback, corrections. Returns false if there was nothing.
   */
  public boolean forget(TenantId tenant, UserId user) {
    // What is still queued for the user is written first, so that the erasure takes it too.
    engine.tracker().flush();
    return engine.records().forget(tenant, user);
  }

  // ---- effectiveness ----

  /**
   * Is personalization helping? Context records, feedback, experiments, their results and the
   * tenant's effectiveness summary.
   */
  public Effects effects() {
    return engine.effects();
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
    return engine.maintenance().reindex(tenant, progress);
  }

  /**
   * Runs the embedding model, the tokenizer and the context path once, so that the first request
   * does not pay for loading them (the first embedding takes ten times longer than the next).
   */
  public void warmUp() {
    engine.maintenance().warmUp();
  }

  /**
   * Loads the working sets of the most recently active users into the cache, so that their first
   * requests after a restart are not cold (a cold load may pass the context timeout and answer
   * without retrieval): up to {@code users} across tenants, the most recently active of each tenant
   * first, stopping at {@code within}. Returns how many were loaded.
   */
  public int warmWorkingSets(int users, Duration within) {
    return engine.maintenance().warmWorkingSets(users, within);
  }

  /** Drops every cached working set (they reload on next use). */
  public void clearCaches() {
    engine.workingSets().clear();
  }

  /**
   * Deletes, in every tenant, the episodes older than the retention period (see {@link
   * AttuneBuilder#episodeRetention}); runs on its own every {@link
   * AttuneBuilder#retentionSweepEvery} too. Each tenant's deletion is recorded in its audit log.
   * Returns how many episodes were deleted; 0 when episodes are kept forever.
   */
  public long purgeExpiredEpisodes() {
    return engine.maintenance().purgeExpiredEpisodes();
  }

  /**
   * Stops the background threads, in the reverse of their start, and closes the store. Closing
   * again does nothing.
   */
  @Override
  public void close() {
    // Once: a second close waited 30 s on the effectiveness writer the first had stopped.
    if (closed.compareAndSet(false, true)) {
      engine.close();
    }
  }

  /** The user's cached working set, if any (for tests that measure the cache). */
  dev.attune.core.retrieval.@Nullable WorkingSet cachedWorkingSet(TenantId tenant, UserId user) {
    return engine.workingSets().cached(tenant, user);
  }
}
