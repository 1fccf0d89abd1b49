package dev.attune.core.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.attune.core.ConflictException;
import dev.attune.core.ContextPack;
import dev.attune.core.InvalidRequestException;
import dev.attune.core.ItemKind;
import dev.attune.core.NotFoundException;
import dev.attune.core.ObserveResult;
import dev.attune.core.effectiveness.ContextRecord;
import dev.attune.core.effectiveness.Correction;
import dev.attune.core.effectiveness.CorrectionCues;
import dev.attune.core.effectiveness.EffectivenessSummary;
import dev.attune.core.effectiveness.Experiment;
import dev.attune.core.effectiveness.ExperimentResults;
import dev.attune.core.effectiveness.Feedback;
import dev.attune.core.effectiveness.Figures;
import dev.attune.core.effectiveness.UtilizationMatcher;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.Message;
import dev.attune.core.model.Origin;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.model.UserProfile;
import dev.attune.core.model.UserRecord;
import dev.attune.core.port.EngineMetrics;
import dev.attune.core.port.MemoryStore;
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
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Is personalization helping? Keeps a record of every context served (ids and counts, never text)
 * and the tenant's hourly figures, assigns users to the active experiment's arms, matches replies
 * with the packs they were written with, counts corrections and feedback, and answers with
 * experiment results and summaries. Recording never makes a request wait: it goes through {@link
 * EffectRecorder}'s bounded queue.
 */
public final class Effectiveness implements AutoCloseable {
  /** How far back a superseded memory is looked for in the user's packs. */
  static final int RECENT_RECORDS = 20;

  /** How long a node may take to see another node's change to an experiment. */
  static final Duration EXPERIMENT_CACHE = Duration.ofSeconds(5);

  /** The longest summary: a year by day, a month by hour. */
  static final Duration MAX_DAILY_RANGE = Duration.ofDays(400);

  static final Duration MAX_HOURLY_RANGE = Duration.ofDays(31);

  /** The user's arm in the tenant's active experiment. */
  public record Assignment(Experiment experiment, Experiment.Arm arm) {}

  private final Store store;
  private final PrivacyGuard privacy;
  private final EngineMetrics metrics;
  private final UtilizationMatcher matcher;
  private final Supplier<Instant> now;
  private final boolean recording;
  private final Duration retention;
  private final EffectRecorder recorder;
  private final Cache<TenantId, Optional<Experiment>> active =
      Caffeine.newBuilder().expireAfterWrite(EXPERIMENT_CACHE).maximumSize(10_000).build();
  private final Object experimentWrites = new Object();

  public Effectiveness(
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
  }

  // ---- experiments ----

  /** The user's arm in the tenant's active experiment; null when none is active. */
  public @Nullable Assignment assign(TenantId tenant, UserId user) {
    Optional<Experiment> e =
        active.get(
            tenant, t -> store.experiments(t).stream().filter(Experiment::active).findFirst());
    return e.map(x -> new Assignment(x, x.armOf(tenant, user))).orElse(null);
  }

  /**
   * Stores the experiment.
   *
   * @throws ConflictException when it is active and another of the tenant's experiments is
   */
  public Experiment putExperiment(TenantId tenant, Experiment experiment) {
    synchronized (experimentWrites) {
      if (experiment.active()) {
        for (Experiment other : store.experiments(tenant)) {
          if (other.active() && !other.name().equals(experiment.name())) {
            throw new ConflictException(
                "experiment '"
                    + other.name()
                    + "' is active; a tenant runs one experiment at a time: deactivate it first");
          }
        }
      }
      store.putExperiment(tenant, experiment);
      active.invalidate(tenant);
      return experiment;
    }
  }

  public Optional<Experiment> experiment(TenantId tenant, String name) {
    return store.experiment(tenant, name);
  }

  public List<Experiment> experiments(TenantId tenant) {
    return store.experiments(tenant);
  }

  public boolean deleteExperiment(TenantId tenant, String name) {
    synchronized (experimentWrites) {
      boolean deleted = store.deleteExperiment(tenant, name);
      active.invalidate(tenant);
      return deleted;
    }
  }

  /**
   * The experiment's results from {@code from} to {@code to}.
   *
   * @throws NotFoundException when the tenant has no experiment by that name
   */
  public ExperimentResults results(TenantId tenant, String name, Instant from, Instant to) {
    checkRange(from, to, MAX_DAILY_RANGE);
    Experiment e =
        store
            .experiment(tenant, name)
            .orElseThrow(() -> new NotFoundException("no experiment '" + name + "'"));
    recorder.flush();
    return ExperimentResults.compute(e, from, to, store.tallies(tenant, name, from, to));
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
      @Nullable Assignment assignment,
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

  /** Deletes records older than the retention; returns how many. */
  public long purgeExpiredRecords() {
    return store.deleteContextRecordsBefore(now.get().minus(retention));
  }

  /**
   * {@code prefix} and 24 hex digits (96 random bits): unguessable enough for ids checked against
   * their owner on every use, without the secure generator's cost on the context path.
   */
  static String newId(String prefix) {
    java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
    java.util.HexFormat hex = java.util.HexFormat.of();
    return prefix + hex.toHexDigits(r.nextLong()) + hex.toHexDigits(r.nextInt());
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
        recorder.later(() -> utilize(tenant, user, contextId, messageId, reply, at));
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
    recorder.count(tenant, at, Map.of(Figures.MEMORIES_EDITED, 1L));
    if (before.provenance().origin() == Origin.OBSERVED) {
      recorder.later(
          () ->
              correct(
                  tenant,
                  user,
                  before,
                  lastInjected(tenant, user, before.id()),
                  Correction.Kind.EDITED,
                  at));
    }
  }

  /** A memory was deleted through the API. */
  public void deleted(TenantId tenant, UserId user, Memory before, Instant at) {
    recorder.count(tenant, at, Map.of(Figures.MEMORIES_DELETED, 1L));
    if (before.provenance().origin() == Origin.OBSERVED) {
      recorder.later(
          () ->
              correct(
                  tenant,
                  user,
                  before,
                  lastInjected(tenant, user, before.id()),
                  Correction.Kind.DELETED,
                  at));
    }
  }

  private void correct(
      TenantId tenant,
      UserId user,
      Memory memory,
      @Nullable String contextId,
      Correction.Kind kind,
      Instant at) {
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
    if (memory.provenance().origin() == Origin.OBSERVED) {
      figures.put(Figures.CORRECTIONS_OF_EXTRACTED, 1L);
    }
    recorder.count(tenant, at, figures);
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

  /** Which of the pack's facts and profile fields the reply used (on the writer thread). */
  private void utilize(
      TenantId tenant, UserId user, String contextId, String messageId, String reply, Instant at) {
    ContextRecord record = store.findContextRecord(tenant, user, contextId).orElse(null);
    if (record == null || record.utilization() != null) {
      // Unknown (or another user's) pack, or a reply already matched: nothing to count.
      return;
    }
    UserProfile profile = store.findUser(tenant, user).map(UserRecord::profile).orElse(null);
    List<UtilizationMatcher.Item> items = new ArrayList<>();
    Map<String, Integer> tokens = new HashMap<>();
    for (ContextRecord.Injected i : record.items()) {
      String text = itemText(tenant, user, profile, i);
      if (text != null && !text.isBlank()) {
        items.add(new UtilizationMatcher.Item(i.id(), text));
        tokens.put(i.id(), i.tokens());
      }
    }
    List<String> used =
        matcher.match(items, reply).stream()
            .filter(UtilizationMatcher.Match::used)
            .map(UtilizationMatcher.Match::id)
            .toList();
    store.putUtilization(
        tenant, user, contextId, new ContextRecord.Utilization(at, messageId, used));
    Map<String, Long> figures = new HashMap<>();
    figures.put(Figures.UTILIZED_CONTEXTS, 1L);
    put(figures, Figures.ITEMS_INJECTED, items.size());
    put(figures, Figures.ITEMS_USED, used.size());
    put(figures, Figures.ITEM_TOKENS_INJECTED, tokens.values().stream().mapToLong(x -> x).sum());
    put(figures, Figures.ITEM_TOKENS_USED, used.stream().mapToLong(tokens::get).sum());
    recorder.count(tenant, at, figures);
    metrics.utilization(items.size(), used.size());
  }

  /**
   * The text of an injected fact or profile field as stored now; null for the conversation's own
   * messages and the org's fields, which utilization does not judge.
   */
  private @Nullable String itemText(
      TenantId tenant, UserId user, @Nullable UserProfile profile, ContextRecord.Injected item) {
    if (item.kind() == ItemKind.FACT && item.id().startsWith("mem_")) {
      return store.findMemory(tenant, user, MemoryId.of(item.id())).map(Memory::text).orElse(null);
    }
    if (item.kind() == ItemKind.PROFILE && profile != null) {
      return profileField(profile, item.id());
    }
    return null;
  }

  static @Nullable String profileField(UserProfile p, String id) {
    return switch (id) {
      case "profile.name" -> p.name();
      case "profile.role" -> p.role();
      case "profile.expertise" -> p.expertise();
      case "profile.communication_style" -> p.communicationStyle();
      case "profile.language" -> p.language();
      default -> {
        if (id.startsWith("profile.attributes.")) {
          yield p.attributes().get(id.substring("profile.attributes.".length()));
        }
        if (id.startsWith("profile.preferences[") && id.endsWith("]")) {
          try {
            int i =
                Integer.parseInt(id.substring("profile.preferences[".length(), id.length() - 1));
            yield i < p.preferences().size() ? p.preferences().get(i) : null;
          } catch (NumberFormatException e) {
            yield null;
          }
        }
        yield null;
      }
    };
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
    MemoryStore.ExtractionBacklog backlog = store.extractionBacklog(tenant);
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

  private static void checkRange(Instant from, Instant to, Duration max) {
    if (!from.isBefore(to)) {
      throw new InvalidRequestException("from", "from must be before to");
    }
    if (Duration.between(from, to).compareTo(max) > 0) {
      throw new InvalidRequestException(
          "to",
          "the range from..to may span at most " + max.toDays() + " days at this granularity");
    }
  }

  private static void put(Map<String, Long> figures, String name, long value) {
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

  @Override
  public void close() {
    recorder.close();
  }
}
