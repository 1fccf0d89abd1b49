package dev.attune.core.internal;

import dev.attune.core.api.ContextPack;
import dev.attune.core.api.ExtractionBacklog;
import dev.attune.core.api.ObserveResult;
import dev.attune.core.effectiveness.ContextRecord;
import dev.attune.core.effectiveness.Correction;
import dev.attune.core.effectiveness.CorrectionCues;
import dev.attune.core.effectiveness.EffectivenessSummary;
import dev.attune.core.effectiveness.Feedback;
import dev.attune.core.effectiveness.Figures;
import dev.attune.core.learning.UtilizationMatcher;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.Message;
import dev.attune.core.model.NotFoundException;
import dev.attune.core.model.Origin;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.model.UserRecord;
import dev.attune.core.port.EffectivenessStore;
import dev.attune.core.port.EngineMetrics;
import dev.attune.core.port.Store;
import dev.attune.core.port.UsageRow;
import dev.attune.core.privacy.PersonalData;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Is personalization helping? Keeps a record of every context served (ids and counts, never text)
 * and the tenant's hourly figures, assigns users to the active experiment's arms, matches replies
 * with the packs they were written with, counts corrections and feedback, and answers with
 * experiment results and summaries. Recording never makes a request wait: it goes through {@link
 * EffectRecorder}'s bounded queue.
 */
public final class EffectTracker implements AutoCloseable {
  /** How far back a superseded memory is looked for in the user's packs. */
  static final int RECENT_RECORDS = 20;

  /** The longest summary: a year by day, a month by hour. */
  static final Duration MAX_DAILY_RANGE = Duration.ofDays(400);

  static final Duration MAX_HOURLY_RANGE = Duration.ofDays(31);

  private final Store store;
  private final PrivacyGuard privacy;
  private final EngineMetrics metrics;
  private final UtilizationMatcher matcher;
  private final Supplier<Instant> now;
  private final boolean recording;
  private final Duration retention;
  private final EffectRecorder recorder;
  private final Experiments experiments;
  private final ReplyMatcher replies;

  public EffectTracker(
      Store store,
      PrivacyGuard privacy,
      UtilizationMatcher matcher,
      EngineMetrics metrics,
      Supplier<Instant> now,
      boolean recording,
      Duration retention,
      int queueCapacity) {
    this.store = store;
    this.privacy = privacy;
    this.metrics = metrics;
    this.matcher = matcher;
    this.now = now;
    this.recording = recording;
    this.retention = retention;
    this.recorder = new EffectRecorder(store, metrics, queueCapacity);
    this.experiments = new Experiments(store, recorder::flush);
    this.replies = new ReplyMatcher(store, matcher, recorder, metrics);
  }

  /** The tenant's experiments, and a user's arm in the active one. */
  public Experiments experiments() {
    return experiments;
  }

  /** The user's arm in the tenant's active experiment; null when none is active. */
  public Experiments.@Nullable Assignment assign(TenantId tenant, UserId user) {
    return experiments.assign(tenant, user);
  }

  // ---- context records ----

  /**
   * Records a served pack (when recording is on) and returns it with its id and arm.
   *
   * @param workingSetHit whether the user's working set was cached
   */
  public ContextPack served(
      TenantId tenant,
      UserId user,
      @Nullable String sessionId,
      ContextPack pack,
      Experiments.@Nullable Assignment assignment,
      long nanos,
      boolean workingSetHit,
      Instant at) {
    ContextPack.ExperimentArm arm =
        assignment == null
            ? null
            : new ContextPack.ExperimentArm(
                assignment.experiment().name(), assignment.arm().name());
    if (!recording) {
      return pack.traced(null, arm);
    }
    String id = newId("ctx_");
    List<ContextRecord.Injected> items = new ArrayList<>();
    pack.blocks()
        .forEach(
            b ->
                b.items()
                    .forEach(
                        i ->
                            items.add(
                                new ContextRecord.Injected(
                                    i.id(), b.type(), i.kind(), i.tokens()))));
    ContextRecord record =
        new ContextRecord(
            id,
            tenant,
            user,
            at,
            arm == null ? null : arm.name(),
            arm == null ? null : arm.arm(),
            pack.budget(),
            pack.tokens(),
            pack.degraded(),
            nanos / 1000,
            sessionId,
            items,
            null);
    recorder.served(
        record,
        Figures.served(nanos, pack.tokens(), pack.isEmpty(), pack.degraded(), workingSetHit));
    return pack.traced(id, arm);
  }

  /**
   * The user's context record.
   *
   * @throws NotFoundException when the user has none by that id (another user's or tenant's
   *     included: the answer does not tell them apart)
   */
  public ContextRecord contextRecord(TenantId tenant, UserId user, String contextId) {
    return recorder
        .unwritten(tenant, contextId)
        .filter(r -> r.user().equals(user))
        .or(() -> store.findContextRecord(tenant, user, contextId))
        .orElseThrow(
            () ->
                new NotFoundException(
                    "context_id '" + contextId + "' is not a context of this user"));
  }

  public List<ContextRecord> contextRecords(TenantId tenant, UserId user, int limit) {
    recorder.flush();
    return store.contextRecords(tenant, user, limit);
  }

  /** A page of the tenant's users, most recently active first (activity recorded so far). */
  public List<EffectivenessStore.UserActivity> users(
      TenantId tenant, String idContains, int offset, int limit) {
    recorder.flush();
    return store.usersByActivity(tenant, idContains, offset, limit);
  }

  /** Deletes records older than the retention; returns how many. */
  public long purgeExpiredRecords() {
    return store.deleteContextRecordsBefore(now.get().minus(retention));
  }

  /**
   * {@code prefix} and 24 hex digits (96 random bits): unguessable enough for ids checked against
   * their owner on every use, without the secure generator's cost on the context path.
   */
  /**
   * {@code prefix} and 24 hex digits: the time in milliseconds (12), then 48 random bits (12). Ids
   * in time order are appended to the end of the tables' primary-key B-trees; random ones were
   * inserted anywhere, which in a SQLite table of 4 KB rows read and rewrote a random page per
   * record and slowed every write as the table grew (bench soak).
   */
  static String newId(String prefix) {
    java.util.HexFormat hex = java.util.HexFormat.of();
    long random = java.util.concurrent.ThreadLocalRandom.current().nextLong();
    return prefix
        + hex.toHexDigits(System.currentTimeMillis()).substring(4)
        + hex.toHexDigits(random).substring(4);
  }

  // ---- what observe saw ----

  /**
   * After messages were stored and learned from: counts the activity and the memories changed,
   * matches replies that name their pack, and counts corrections of injected memories.
   */
  public void observed(
      TenantId tenant,
      UserId user,
      @Nullable String sessionId,
      List<Message> messages,
      ObserveResult result,
      Instant at) {
    if (result.stored() > 0) {
      recorder.activity(tenant, user, at, sessionId == null ? "" : sessionId, result.stored());
    }
    Map<String, Long> figures = new HashMap<>();
    put(figures, Figures.MESSAGES_OBSERVED, result.stored());
    put(figures, Figures.MEMORIES_ADDED, result.added().size());
    put(figures, Figures.MEMORIES_REINFORCED, result.reinforced().size());
    put(figures, Figures.MEMORIES_SUPERSEDED, result.superseded().size());
    recorder.count(tenant, at, figures);
    if (!recording) {
      return;
    }
    for (Message m : messages) {
      if (m.role() == Role.ASSISTANT && m.contextId() != null) {
        String contextId = m.contextId();
        String messageId = m.id() == null ? "" : m.id();
        String reply = m.content();
        recorder.later(() -> replies.match(tenant, user, contextId, messageId, reply, at));
      }
    }
    boolean correcting =
        messages.stream()
            .anyMatch(m -> m.role() == Role.USER && CorrectionCues.correcting(m.content()));
    if (correcting && !result.superseded().isEmpty()) {
      List<Memory> superseded = result.superseded();
      recorder.later(
          () -> {
            for (Memory m : superseded) {
              String contextId = lastInjected(tenant, user, m.id());
              if (contextId != null) {
                correct(tenant, user, m, contextId, Correction.Kind.CONTRADICTED, at);
              }
            }
          });
    }
  }

  /** A memory's text or category was edited through the API. */
  public void edited(TenantId tenant, UserId user, Memory before, Instant at) {
    changedThroughApi(tenant, user, before, Figures.MEMORIES_EDITED, Correction.Kind.EDITED, at);
  }

  /** A memory was deleted through the API. */
  public void deleted(TenantId tenant, UserId user, Memory before, Instant at) {
    changedThroughApi(tenant, user, before, Figures.MEMORIES_DELETED, Correction.Kind.DELETED, at);
  }

  /** Counts the change; an extracted memory's is a correction against its last pack. */
  private void changedThroughApi(
      TenantId tenant,
      UserId user,
      Memory before,
      String figure,
      Correction.Kind kind,
      Instant at) {
    recorder.count(tenant, at, Map.of(figure, 1L));
    if (before.provenance().origin() == Origin.OBSERVED) {
      recorder.later(
          () -> correct(tenant, user, before, lastInjected(tenant, user, before.id()), kind, at));
    }
  }

  private void correct(
      TenantId tenant,
      UserId user,
      Memory memory,
      @Nullable String contextId,
      Correction.Kind kind,
      Instant at) {
    boolean extracted = memory.provenance().origin() == Origin.OBSERVED;
    boolean firstCorrection =
        extracted
            && store.corrections(tenant, user).stream()
                .noneMatch(c -> c.memory().equals(memory.id()));
    store.putCorrection(
        tenant,
        new Correction(
            newId("cor_"),
            user,
            memory.id(),
            contextId,
            kind,
            memory.provenance().origin() == Origin.OBSERVED,
            at));
    Map<String, Long> figures = new HashMap<>();
    figures.put(Figures.CORRECTIONS, 1L);
    recorder.count(tenant, at, figures);
    if (firstCorrection) {
      // Counted in the hour the memory was extracted, beside MEMORIES_ADDED of that hour: the
      // share is then of one cohort (memories extracted in a period, corrected whenever since),
      // once per memory, so it never passes 100%.
      recorder.count(tenant, memory.createdAt(), Map.of(Figures.EXTRACTED_MEMORIES_CORRECTED, 1L));
    }
    metrics.correction(kind.wireName());
  }

  /** The latest of the user's recent packs that injected the memory, or null. */
  private @Nullable String lastInjected(TenantId tenant, UserId user, MemoryId memory) {
    for (ContextRecord r : store.contextRecords(tenant, user, RECENT_RECORDS)) {
      if (r.injected(memory.value())) {
        return r.id();
      }
    }
    return null;
  }

  // ---- feedback ----

  /**
   * Stores feedback; its comment is redacted first.
   *
   * @throws NotFoundException when {@code contextId} is not a context of the user
   */
  public Feedback feedback(
      TenantId tenant,
      UserId user,
      @Nullable String contextId,
      Feedback.Signal signal,
      @Nullable Double value,
      @Nullable String comment) {
    Instant at = now.get();
    String id = newId("fb_");
    // Checked whole before anything is looked up or written.
    Feedback f = new Feedback(id, user, contextId, signal, value, comment, at);
    if (contextId != null) {
      contextRecord(tenant, user, contextId);
    }
    if (comment != null) {
      // Stored text like any other: the data policy's detectors redact it first.
      UserRecord owner = store.findUser(tenant, user).orElse(null);
      var policy = privacy.policyFor(tenant, owner == null ? null : owner.org());
      String redacted = PersonalData.redact(comment, policy.detectors()).text();
      f = new Feedback(id, user, contextId, signal, value, redacted, at);
    }
    store.putFeedback(tenant, f);
    Map<String, Long> figures = new HashMap<>();
    figures.put(Figures.FEEDBACK_PREFIX + signal.wireName(), 1L);
    if (value != null) {
      figures.put(Figures.RATING_SUM_CENTI, Math.round(value * 100));
    }
    recorder.count(tenant, at, figures);
    metrics.feedback(signal.wireName());
    return f;
  }

  // ---- the summary ----

  /**
   * The tenant's summary from {@code from} to {@code to}.
   *
   * @throws InvalidRequestException for a range that is empty or too long for the granularity
   */
  public EffectivenessSummary summary(
      TenantId tenant, Instant from, Instant to, EffectivenessSummary.Granularity granularity) {
    checkRange(
        from,
        to,
        granularity == EffectivenessSummary.Granularity.HOUR ? MAX_HOURLY_RANGE : MAX_DAILY_RANGE);
    sampleStorage(tenant);
    recorder.flush();
    long calls = 0;
    long failures = 0;
    long input = 0;
    long output = 0;
    for (UsageRow r :
        store.usage(
            tenant,
            LocalDate.ofInstant(from, ZoneOffset.UTC),
            LocalDate.ofInstant(to.minusNanos(1), ZoneOffset.UTC))) {
      calls += r.calls();
      failures += r.failures();
      input += r.inputTokens();
      output += r.outputTokens();
    }
    return EffectivenessSummary.of(
        from,
        to,
        granularity,
        store.hourly(tenant, from, to),
        new EffectivenessSummary.ModelUsage(calls, failures, input, output));
  }

  /** Measures what the tenant stores now (the storage gauges of this hour). */
  public void sampleStorage(TenantId tenant) {
    ExtractionBacklog backlog = store.extractionBacklog(tenant);
    var s = store.storage(tenant);
    recorder.gauge(
        tenant,
        now.get(),
        Map.of(
            Figures.USERS, s.users(),
            Figures.ACTIVE_MEMORIES, s.activeMemories(),
            Figures.EPISODES, s.episodes(),
            Figures.STORED_BYTES, s.bytes(),
            Figures.EXTRACTION_BACKLOG, backlog.awaiting()));
  }

  static void checkRange(Instant from, Instant to, Duration max) {
    if (!from.isBefore(to)) {
      throw new InvalidRequestException("from", "from must be before to");
    }
    if (Duration.between(from, to).compareTo(max) > 0) {
      throw new InvalidRequestException(
          "to",
          "the range from..to may span at most " + max.toDays() + " days at this granularity");
    }
  }

  static void put(Map<String, Long> figures, String name, long value) {
    if (value != 0) {
      figures.put(name, value);
    }
  }

  /** Waits until everything recorded so far is written (tests, commands that exit). */
  public void flush() {
    recorder.flush();
  }

  /** Events dropped since start (queue full, or the store failed). */
  public long dropped() {
    return recorder.dropped();
  }

  /** Starts the background writer of records and figures. */
  public void start() {
    recorder.start();
  }

  @Override
  public void close() {
    recorder.close();
  }
}
