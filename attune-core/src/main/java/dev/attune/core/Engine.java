package dev.attune.core;

import dev.attune.core.assembly.ContextAssembler;
import dev.attune.core.internal.ContextService;
import dev.attune.core.internal.EffectTracker;
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
import dev.attune.core.internal.UserWriter;
import dev.attune.core.internal.WorkingSets;
import dev.attune.core.learning.UtilizationMatcher;
import dev.attune.core.port.Embedder;
import dev.attune.core.port.Store;
import dev.attune.core.retrieval.DecayPolicy;
import dev.attune.core.retrieval.Retriever;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The engine's jobs, made and wired once from the builder's settings: what {@link Attune} hands
 * each request to. Wiring lives here so that the facade reads as the list of what it offers.
 *
 * <p>The owner of the jobs' threads: constructors only assign (wiring that fails halfway leaves no
 * thread behind), {@link #start} starts the background threads in order and, if one fails, stops
 * those already started; {@link #close} stops them in the reverse order, then closes the store.
 */
record Engine(
    Store store,
    Embedder embedder,
    DecayPolicy decay,
    Supplier<Instant> clock,
    WorkingSets workingSets,
    ContextService context,
    Learner learner,
    Intake intake,
    UserRecords records,
    MemoryEditor editor,
    Maintenance maintenance,
    EffectTracker tracker,
    Effects effects) {

  /**
   * Starts the background threads: the effectiveness writer, the observation worker, the extraction
   * flusher, the retention sweep. If one cannot start, those already started are stopped again and
   * the failure is thrown.
   */
  void start() {
    List<AutoCloseable> started = new ArrayList<>();
    try {
      tracker.start();
      started.add(tracker::close);
      intake.start();
      started.add(intake::close);
      learner.start();
      started.add(learner::close);
      maintenance.start();
      started.add(maintenance::close);
    } catch (RuntimeException | Error e) {
      for (int i = started.size() - 1; i >= 0; i--) {
        try {
          started.get(i).close();
        } catch (Exception stopping) {
          e.addSuppressed(stopping);
        }
      }
      throw e;
    }
  }

  /** Stops the threads in the reverse of {@link #start}'s order, then closes the store. */
  void close() {
    maintenance.close();
    learner.close();
    intake.close();
    context.close();
    tracker.close();
    store.close();
  }

  static Engine wire(AttuneBuilder b, Store store, Embedder embedder) {
    Supplier<Instant> clock = new EngineClock(b.clock);
    UserLocks locks = new UserLocks();
    PrivacyGuard privacy = new PrivacyGuard(store, b.dataPolicy);
    Summaries summaries = new Summaries(b.compressor, b.summarizer);
    EpisodeVectors vectors = new EpisodeVectors(store, embedder, b.retrievalPolicy);
    EffectTracker tracker =
        new EffectTracker(
            store,
            privacy,
            new UtilizationMatcher(embedder),
            b.metrics,
            clock,
            b.contextRecords,
            b.contextRecordRetention,
            b.effectQueue);
    WorkingSets workingSets =
        new WorkingSets(
            store,
            embedder,
            b.retrievalPolicy,
            b.workingSetCacheBytes,
            b.workingSetEpisodes,
            b.metrics);
    UserWriter writer = new UserWriter(store, workingSets);
    ContextService context =
        new ContextService(
            store,
            embedder,
            new Retriever(b.retrievalPolicy, b.decayPolicy),
            new ContextAssembler(b.tokens, b.priorities, b.assemblyPolicy, b.decayPolicy),
            workingSets,
            tracker,
            b.metrics,
            clock);
    Effects effects = new Effects(tracker);
    Learner learner =
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
            writer,
            locks,
            clock,
            b.nodeId);
    Intake intake = new Intake(store, privacy, learner, tracker, locks, clock, b.metrics, b.nodeId);
    UserRecords records = new UserRecords(store, privacy, writer, locks, clock);
    MemoryEditor editor =
        new MemoryEditor(
            store, embedder, privacy, summaries, vectors, records, writer, tracker, locks, clock);
    Maintenance maintenance =
        new Maintenance(
            store,
            embedder,
            b.tokens,
            vectors,
            workingSets,
            writer,
            context,
            tracker,
            locks,
            clock,
            b.episodeRetention,
            b.retentionSweepEvery);
    return new Engine(
        store,
        embedder,
        b.decayPolicy,
        clock,
        workingSets,
        context,
        learner,
        intake,
        records,
        editor,
        maintenance,
        tracker,
        effects);
  }
}
