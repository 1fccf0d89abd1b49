package dev.attune.core.testing;

import dev.attune.core.api.ExtractionBacklog;
import dev.attune.core.model.ApiKey;
import dev.attune.core.model.AuditEntry;
import dev.attune.core.model.ConflictException;
import dev.attune.core.model.Episode;
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
import dev.attune.core.port.EpisodeQuery;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.port.ObservationLog;
import dev.attune.core.port.Store;
import dev.attune.core.port.UsageMeter;
import dev.attune.core.port.UsageRow;
import dev.attune.core.port.UserWrite;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A store in plain collections, for core's tests. It passes the same contract suite as the real
 * adapters, which keeps it honest.
 */
public class InMemoryStore extends InMemoryEffects implements Store {
  private record Key(TenantId tenant, UserId user) {}

  private record OrgKey(TenantId tenant, OrgId org) {}

  private record Stored(long seq, Episode episode) {}

  private record Awaiting(Instant arrived, int attempts, @Nullable Instant retryAt) {
    boolean due(Instant now) {
      return retryAt == null || !retryAt.isAfter(now);
    }
  }

  private static final class UserData {
    UserRecord record;
    final Map<MemoryId, Memory> memories = new LinkedHashMap<>();
    final Map<String, Stored> episodes = new LinkedHashMap<>();
    final List<MemoryChange> history = new ArrayList<>();

    /** Messages awaiting extraction, by id, in arrival order. */
    final Map<String, Awaiting> awaiting = new LinkedHashMap<>();

    UserData(UserRecord record) {
      this.record = record;
    }
  }

  private final Map<Key, UserData> users = new HashMap<>();
  private final Map<OrgKey, OrgProfile> orgs = new HashMap<>();
  private final Map<String, ApiKey> keys = new LinkedHashMap<>();
  private final Map<TenantId, List<AuditEntry>> audit = new HashMap<>();

  private record Queued(
      long seq,
      TenantId tenant,
      Observation observation,
      @Nullable String worker,
      @Nullable Instant leaseUntil) {}

  private final Map<String, Queued> observations = new LinkedHashMap<>();
  private long seq;
  private boolean closed;

  @Override
  public synchronized Optional<UserRecord> findUser(TenantId tenant, UserId user) {
    UserData d = users.get(new Key(tenant, user));
    return d == null ? Optional.empty() : Optional.of(d.record);
  }

  @Override
  public synchronized List<UserId> users(TenantId tenant, @Nullable UserId after, int limit) {
    TreeMap<String, UserId> sorted = new TreeMap<>();
    for (Key k : users.keySet()) {
      if (k.tenant().equals(tenant)
          && (after == null || k.user().value().compareTo(after.value()) > 0)) {
        sorted.put(k.user().value(), k.user());
      }
    }
    return sorted.values().stream().limit(limit).toList();
  }

  @Override
  public synchronized List<UserActivity> usersByActivity(
      TenantId tenant, String idContains, int offset, int limit) {
    Comparator<UserActivity> order =
        Comparator.comparing(
                (UserActivity u) -> u.lastActive(), Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(u -> u.user().value());
    return users.entrySet().stream()
        .filter(e -> e.getKey().tenant().equals(tenant))
        .filter(e -> e.getKey().user().value().contains(idContains))
        .map(
            e ->
                new UserActivity(
                    e.getKey().user(),
                    lastActive(tenant, e.getKey().user()),
                    e.getValue().record.createdAt()))
        .sorted(order)
        .skip(offset)
        .limit(limit)
        .toList();
  }

  @Override
  public synchronized List<AwaitingExtraction> awaitingExtraction(Instant now, int limit) {
    List<AwaitingExtraction> out = new ArrayList<>();
    for (Map.Entry<Key, UserData> e : users.entrySet()) {
      List<Awaiting> due = e.getValue().awaiting.values().stream().filter(a -> a.due(now)).toList();
      if (!due.isEmpty() && out.size() < limit) {
        Instant newest =
            due.stream().map(Awaiting::arrived).max(Comparator.naturalOrder()).orElseThrow();
        out.add(new AwaitingExtraction(e.getKey().tenant(), e.getKey().user(), due.size(), newest));
      }
    }
    return out;
  }

  @Override
  public synchronized List<Episode> episodesAwaitingExtraction(
      TenantId tenant, UserId user, Instant now, int limit) {
    UserData d = users.get(new Key(tenant, user));
    if (d == null) {
      return List.of();
    }
    return d.awaiting.entrySet().stream()
        .filter(e -> e.getValue().due(now) && d.episodes.containsKey(e.getKey()))
        .map(e -> d.episodes.get(e.getKey()))
        .sorted(Comparator.comparingLong(Stored::seq))
        .map(Stored::episode)
        .limit(limit)
        .toList();
  }

  @Override
  public synchronized int deferExtraction(
      TenantId tenant,
      UserId user,
      Collection<String> messageIds,
      java.util.function.IntFunction<Instant> retryAt) {
    UserData d = users.get(new Key(tenant, user));
    if (d == null || messageIds.isEmpty()) {
      return 0;
    }
    int failures =
        1
            + messageIds.stream()
                .map(d.awaiting::get)
                .filter(java.util.Objects::nonNull)
                .mapToInt(Awaiting::attempts)
                .max()
                .orElse(0);
    Instant at = retryAt.apply(failures);
    for (String id : messageIds) {
      d.awaiting.computeIfPresent(id, (k, a) -> new Awaiting(a.arrived(), failures, at));
    }
    return failures;
  }

  @Override
  public synchronized ExtractionBacklog extractionBacklog(TenantId tenant) {
    long awaiting = 0;
    long failed = 0;
    for (Map.Entry<Key, UserData> e : users.entrySet()) {
      if (e.getKey().tenant().equals(tenant)) {
        for (Awaiting a : e.getValue().awaiting.values()) {
          awaiting++;
          failed += a.attempts() > 0 ? 1 : 0;
        }
      }
    }
    return new ExtractionBacklog(awaiting, failed);
  }

  @Override
  public synchronized List<TenantId> tenants() {
    return users.keySet().stream()
        .map(Key::tenant)
        .distinct()
        .sorted(Comparator.comparing(TenantId::value))
        .toList();
  }

  @Override
  public synchronized long deleteEpisodesBefore(TenantId tenant, Instant cutoff) {
    long deleted = 0;
    for (Map.Entry<Key, UserData> e : users.entrySet()) {
      if (e.getKey().tenant().equals(tenant)) {
        int before = e.getValue().episodes.size();
        e.getValue().episodes.values().removeIf(s -> s.episode().timestamp().isBefore(cutoff));
        deleted += before - e.getValue().episodes.size();
      }
    }
    return deleted;
  }

  @Override
  public synchronized List<Memory> memories(TenantId tenant, UserId user, MemoryQuery query) {
    UserData d = users.get(new Key(tenant, user));
    if (d == null) {
      return List.of();
    }
    return d.memories.values().stream()
        .filter(m -> query.statuses().contains(m.status()))
        .filter(m -> query.categories().isEmpty() || query.categories().contains(m.category()))
        .sorted(
            Comparator.comparing(Memory::createdAt).thenComparing(m -> m.id().value()).reversed())
        .skip(query.offset())
        .limit(query.limit())
        .toList();
  }

  @Override
  public synchronized long countActiveMemories(TenantId tenant) {
    return users.entrySet().stream()
        .filter(e -> e.getKey().tenant().equals(tenant))
        .flatMap(e -> e.getValue().memories.values().stream())
        .filter(Memory::isActive)
        .count();
  }

  @Override
  public synchronized Optional<Memory> findMemory(TenantId tenant, UserId user, MemoryId id) {
    UserData d = users.get(new Key(tenant, user));
    return d == null ? Optional.empty() : Optional.ofNullable(d.memories.get(id));
  }

  @Override
  public synchronized List<Memory> findMemories(TenantId tenant, UserId user, List<MemoryId> ids) {
    UserData d = users.get(new Key(tenant, user));
    return d == null
        ? List.of()
        : ids.stream().map(d.memories::get).filter(java.util.Objects::nonNull).toList();
  }

  @Override
  public synchronized List<Episode> episodes(TenantId tenant, UserId user, EpisodeQuery query) {
    UserData d = users.get(new Key(tenant, user));
    if (d == null) {
      return List.of();
    }
    List<Stored> matching =
        d.episodes.values().stream()
            .filter(
                s -> query.sessionId() == null || query.sessionId().equals(s.episode().sessionId()))
            .sorted(
                Comparator.comparing((Stored s) -> s.episode().timestamp())
                    .thenComparingLong(Stored::seq))
            .toList();
    int from = Math.max(0, matching.size() - query.limit());
    return matching.subList(from, matching.size()).stream().map(Stored::episode).toList();
  }

  @Override
  public synchronized Set<String> knownMessageIds(
      TenantId tenant, UserId user, Collection<String> messageIds) {
    UserData d = users.get(new Key(tenant, user));
    Set<String> known = new HashSet<>();
    if (d != null) {
      for (String id : messageIds) {
        if (d.episodes.containsKey(id)) {
          known.add(id);
        }
      }
    }
    return known;
  }

  @Override
  public synchronized List<MemoryChange> history(TenantId tenant, UserId user, MemoryId id) {
    UserData d = users.get(new Key(tenant, user));
    return d == null ? List.of() : d.history.stream().filter(c -> c.memory().equals(id)).toList();
  }

  @Override
  public synchronized void write(TenantId tenant, UserId user, UserWrite write) {
    // Validate everything first: the write applies completely or not at all.
    write.episodes().forEach(e -> checkOwner(user, e.user()));
    write.memories().forEach(m -> checkOwner(user, m.user()));
    if (write.observation() != null) {
      Queued q = observations.get(qkey(tenant, write.observation()));
      if (q == null || q.observation().state() != Observation.State.RUNNING) {
        throw new dev.attune.core.model.ObservationWithdrawnException(write.observation());
      }
    }
    Key key = new Key(tenant, user);
    UserData d = users.get(key);
    if (!write.extracted().isEmpty()) {
      Map<String, Awaiting> awaiting = d == null ? Map.of() : d.awaiting;
      long done = write.extracted().stream().filter(awaiting::containsKey).count();
      if (done != write.extracted().size()) {
        throw new ConflictException(
            "the extraction of "
                + (write.extracted().size() - done)
                + " message(s) was completed by another process; nothing was written");
      }
      write.extracted().forEach(awaiting::remove);
    }
    if (write.user() != null) {
      if (d == null) {
        d = new UserData(write.user());
        users.put(key, d);
      } else {
        d.record =
            new UserRecord(
                user,
                write.user().org(),
                write.user().profile(),
                d.record.createdAt(),
                write.user().updatedAt());
      }
    } else if (d == null) {
      d = new UserData(new UserRecord(user, null, UserProfile.empty(), write.at(), write.at()));
      users.put(key, d);
    } else {
      d.record =
          new UserRecord(
              user, d.record.org(), d.record.profile(), d.record.createdAt(), write.at());
    }
    for (Episode e : write.episodes()) {
      Stored old = d.episodes.get(e.messageId());
      d.episodes.put(e.messageId(), new Stored(old != null ? old.seq() : ++seq, e));
    }
    for (Memory m : write.memories()) {
      d.memories.put(m.id(), m);
    }
    d.history.addAll(write.changes());
    for (String id : write.awaitingExtraction()) {
      d.awaiting.put(id, new Awaiting(write.at(), 0, null));
    }
    if (!write.audit().isEmpty()) {
      appendAudit(tenant, write.audit());
    }
  }

  private static void checkOwner(UserId user, UserId owner) {
    if (!user.equals(owner)) {
      throw new IllegalArgumentException(
          "a write for user " + user + " carries a record of " + owner);
    }
  }

  @Override
  public synchronized boolean forget(TenantId tenant, UserId user) {
    observations
        .values()
        .removeIf(q -> q.tenant().equals(tenant) && q.observation().user().equals(user));
    List<AuditEntry> log = audit.getOrDefault(tenant, new ArrayList<>());
    log.replaceAll(
        e ->
            user.equals(e.user())
                ? new AuditEntry(
                    e.at(),
                    e.keyId(),
                    e.role(),
                    e.action(),
                    UserId.of("forgotten:x"),
                    e.target(),
                    e.status())
                : e);
    forgetEffects(tenant, user);
    return users.remove(new Key(tenant, user)) != null;
  }

  @Override
  public synchronized Storage storage(TenantId tenant) {
    long users = 0;
    long active = 0;
    long episodes = 0;
    long bytes = 0;
    for (Map.Entry<Key, UserData> e : this.users.entrySet()) {
      if (e.getKey().tenant().equals(tenant)) {
        users++;
        for (Memory m : e.getValue().memories.values()) {
          active += m.isActive() ? 1 : 0;
          bytes += m.text().length();
        }
        for (Stored s : e.getValue().episodes.values()) {
          episodes++;
          bytes += s.episode().content().length();
        }
      }
    }
    return new Storage(users, active, episodes, bytes);
  }

  // ---- access ----

  @Override
  public synchronized void putKey(ApiKey key) {
    ApiKey existing = keys.get(key.id());
    if (existing != null && !existing.tenant().equals(key.tenant())) {
      return;
    }
    keys.put(key.id(), key);
  }

  @Override
  public synchronized Optional<ApiKey> findKey(String id) {
    return Optional.ofNullable(keys.get(id));
  }

  @Override
  public synchronized List<ApiKey> keys(TenantId tenant) {
    return keys.values().stream()
        .filter(k -> k.tenant().equals(tenant))
        .sorted(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id).reversed())
        .toList();
  }

  @Override
  public synchronized boolean anyKeys() {
    return !keys.isEmpty();
  }

  @Override
  public synchronized void appendAudit(TenantId tenant, List<AuditEntry> entries) {
    audit.computeIfAbsent(tenant, t -> new ArrayList<>()).addAll(entries);
  }

  @Override
  public synchronized List<AuditEntry> audit(
      TenantId tenant, @Nullable UserId user, @Nullable Instant before, int limit) {
    List<AuditEntry> log = new ArrayList<>(audit.getOrDefault(tenant, List.of()));
    java.util.Collections.reverse(log);
    return log.stream()
        .filter(e -> user == null || user.equals(e.user()))
        .filter(e -> before == null || e.at().isBefore(before))
        .sorted(Comparator.comparing(AuditEntry::at).reversed())
        .limit(limit)
        .toList();
  }

  private final Map<TenantId, Map<List<String>, UsageRow>> usage = new HashMap<>();

  /** The tenant's usage rows by day, operation and model. */
  private Map<List<String>, UsageRow> usageOf(TenantId tenant) {
    return usage.computeIfAbsent(
        tenant,
        t ->
            new java.util.TreeMap<>(
                Comparator.<List<String>, String>comparing(k -> k.get(0))
                    .thenComparing(k -> k.get(1))
                    .thenComparing(k -> k.get(2))));
  }

  @Override
  public synchronized void recordUsage(UsageMeter.ModelCall call, Instant at) {
    java.time.LocalDate day = java.time.LocalDate.ofInstant(at, java.time.ZoneOffset.UTC);
    usageOf(call.tenant())
        .merge(
            List.of(day.toString(), call.operation(), call.model()),
            new UsageRow(
                day,
                call.operation(),
                call.model(),
                1,
                call.ok() ? 0 : 1,
                call.inputTokens(),
                call.outputTokens(),
                call.latency().toMillis()),
            (a, b) ->
                new UsageRow(
                    a.day(),
                    a.operation(),
                    a.model(),
                    a.calls() + b.calls(),
                    a.failures() + b.failures(),
                    a.inputTokens() + b.inputTokens(),
                    a.outputTokens() + b.outputTokens(),
                    a.latencyMillis() + b.latencyMillis()));
  }

  private record Claim(String worker, Instant until) {}

  private final Map<List<String>, Claim> extractionClaims = new HashMap<>();

  @Override
  public synchronized boolean claimExtraction(
      TenantId tenant, UserId user, String worker, Instant now, Instant leaseUntil) {
    List<String> key = List.of(tenant.value(), user.value());
    Claim held = extractionClaims.get(key);
    if (held != null && !held.worker().equals(worker) && held.until().isAfter(now)) {
      return false;
    }
    extractionClaims.put(key, new Claim(worker, leaseUntil));
    return true;
  }

  @Override
  public synchronized void releaseExtraction(TenantId tenant, UserId user, String worker) {
    List<String> key = List.of(tenant.value(), user.value());
    Claim held = extractionClaims.get(key);
    if (held != null && held.worker().equals(worker)) {
      extractionClaims.remove(key);
    }
  }

  @Override
  public synchronized void putUsage(TenantId tenant, UsageRow row) {
    usageOf(tenant).put(List.of(row.day().toString(), row.operation(), row.model()), row);
  }

  @Override
  public synchronized List<UsageRow> usage(
      TenantId tenant, java.time.LocalDate from, java.time.LocalDate to) {
    return usage.getOrDefault(tenant, Map.of()).values().stream()
        .filter(r -> !r.day().isBefore(from) && !r.day().isAfter(to))
        .toList();
  }

  // ---- observations ----

  private static String qkey(TenantId tenant, String id) {
    return tenant.value() + "/" + id;
  }

  @Override
  public synchronized void enqueue(TenantId tenant, Observation observation) {
    observations.put(
        qkey(tenant, observation.id()), new Queued(++seq, tenant, observation, null, null));
  }

  @Override
  public synchronized ObservationLog.Backlog backlog() {
    long n = 0;
    Instant oldest = null;
    for (Queued q : observations.values()) {
      Observation.State state = q.observation().state();
      if (state == Observation.State.PENDING || state == Observation.State.RUNNING) {
        n++;
        Instant at = q.observation().receivedAt();
        oldest = oldest == null || at.isBefore(oldest) ? at : oldest;
      }
    }
    return n == 0 ? ObservationLog.Backlog.EMPTY : new ObservationLog.Backlog(n, oldest);
  }

  @Override
  public synchronized void renew(String worker, Instant until) {
    observations.replaceAll(
        (k, q) ->
            q.observation().state() == Observation.State.RUNNING && worker.equals(q.worker())
                ? new Queued(q.seq(), q.tenant(), q.observation(), q.worker(), until)
                : q);
  }

  @Override
  public synchronized List<Claimed> claim(String worker, Instant now, Duration lease, int limit) {
    List<Claimed> out = new ArrayList<>();
    Map<String, Queued> oldestUnfinished = new LinkedHashMap<>();
    Set<String> busy = new HashSet<>();
    for (Queued q : observations.values()) {
      String user = q.tenant().value() + "/" + q.observation().user().value();
      Observation.State state = q.observation().state();
      if (state == Observation.State.PENDING || state == Observation.State.RUNNING) {
        oldestUnfinished.putIfAbsent(user, q);
      }
      if (state == Observation.State.RUNNING
          && !q.leaseUntil().isBefore(now)
          && !worker.equals(q.worker())) {
        busy.add(user);
      }
    }
    for (Map.Entry<String, Queued> e : oldestUnfinished.entrySet()) {
      if (out.size() >= limit || busy.contains(e.getKey())) {
        continue;
      }
      Queued q = e.getValue();
      Observation o = q.observation();
      Observation running =
          new Observation(
              o.id(),
              o.user(),
              o.org(),
              o.sessionId(),
              o.messages(),
              o.actor(),
              o.receivedAt(),
              Observation.State.RUNNING,
              o.attempts() + 1,
              null,
              null,
              null);
      observations.put(
          qkey(q.tenant(), o.id()),
          new Queued(q.seq(), q.tenant(), running, worker, now.plus(lease)));
      out.add(new Claimed(q.tenant(), running));
    }
    return out;
  }

  @Override
  public synchronized boolean finish(TenantId tenant, String worker, Observation finished) {
    Queued q = observations.get(qkey(tenant, finished.id()));
    if (q == null
        || q.observation().state() != Observation.State.RUNNING
        || !worker.equals(q.worker())) {
      return false;
    }
    Observation o = q.observation();
    Observation done =
        new Observation(
            o.id(),
            o.user(),
            o.org(),
            o.sessionId(),
            List.of(),
            o.actor(),
            o.receivedAt(),
            finished.state(),
            o.attempts(),
            finished.finishedAt(),
            finished.outcome(),
            finished.error());
    observations.put(qkey(tenant, o.id()), new Queued(q.seq(), tenant, done, null, null));
    return true;
  }

  @Override
  public synchronized void release(TenantId tenant, String worker, String id) {
    Queued q = observations.get(qkey(tenant, id));
    if (q != null
        && q.observation().state() == Observation.State.RUNNING
        && worker.equals(q.worker())) {
      Observation o = q.observation();
      Observation pending =
          new Observation(
              o.id(),
              o.user(),
              o.org(),
              o.sessionId(),
              o.messages(),
              o.actor(),
              o.receivedAt(),
              Observation.State.PENDING,
              o.attempts(),
              null,
              null,
              null);
      observations.put(qkey(tenant, id), new Queued(q.seq(), tenant, pending, null, null));
    }
  }

  @Override
  public synchronized Optional<Observation> findObservation(TenantId tenant, String id) {
    Queued q = observations.get(qkey(tenant, id));
    return q == null ? Optional.empty() : Optional.of(q.observation());
  }

  @Override
  public synchronized Optional<OrgProfile> findOrg(TenantId tenant, OrgId org) {
    return Optional.ofNullable(orgs.get(new OrgKey(tenant, org)));
  }

  @Override
  public synchronized List<OrgId> orgs(TenantId tenant) {
    return orgs.keySet().stream()
        .filter(k -> k.tenant().equals(tenant))
        .map(OrgKey::org)
        .sorted(Comparator.comparing(OrgId::value))
        .toList();
  }

  @Override
  public synchronized void putOrg(TenantId tenant, OrgId org, OrgProfile profile) {
    orgs.put(new OrgKey(tenant, org), profile);
  }

  @Override
  public synchronized boolean deleteOrg(TenantId tenant, OrgId org) {
    return orgs.remove(new OrgKey(tenant, org)) != null;
  }

  /** Everything held, as text, for erasure checks. */
  public synchronized String dump() {
    StringBuilder out = new StringBuilder();
    users.forEach(
        (k, d) ->
            out.append(k)
                .append(d.record)
                .append(d.memories.values())
                .append(d.episodes.values())
                .append(d.history));
    return out.append(orgs).append(observations).append(audit).toString();
  }

  public synchronized boolean isClosed() {
    return closed;
  }

  @Override
  public synchronized void close() {
    closed = true;
  }
}
