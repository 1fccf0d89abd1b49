package dev.attune.core.port;

import dev.attune.core.model.AuditEntry;
import dev.attune.core.model.Episode;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryChange;
import dev.attune.core.model.UserRecord;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Everything one operation changes for one user, written in one transaction: all of it or none.
 *
 * @param at when the write happens: the user's update time advances to it
 * @param user the user row to insert or replace (profile, org); null leaves it as is, but the store
 *     still creates a bare user row when the user has none
 * @param episodes episodes to insert, or to replace when their message id exists (re-embedding)
 * @param memories memories to insert, or to replace when their id exists
 * @param changes history entries to append
 * @param audit audit entries to append (policy decisions about this write); stores that keep an
 *     audit log append them in the same transaction, others ignore them
 * @param awaitingExtraction message ids, among {@code episodes}, stored before facts are extracted
 *     from them: the durable extraction buffer
 * @param extracted message ids whose extraction this write completes; each must be awaiting
 *     extraction, or the whole write fails with {@link dev.attune.core.model.ConflictException}
 *     (another process extracted them first)
 * @param observation the queued observation this write learns from, or null: the write happens only
 *     while that observation is still being learned, in the same transaction, or it fails with
 *     {@link dev.attune.core.model.ObservationWithdrawnException} and writes nothing (the user was
 *     erased meanwhile, and nothing of theirs may come back)
 */
public record UserWrite(
    Instant at,
    @Nullable UserRecord user,
    List<Episode> episodes,
    List<Memory> memories,
    List<MemoryChange> changes,
    List<AuditEntry> audit,
    Set<String> awaitingExtraction,
    Set<String> extracted,
    @Nullable String observation) {
  public UserWrite {
    Objects.requireNonNull(at, "at");
    episodes = List.copyOf(episodes);
    memories = List.copyOf(memories);
    changes = List.copyOf(changes);
    audit = List.copyOf(audit);
    awaitingExtraction = Set.copyOf(awaitingExtraction);
    extracted = Set.copyOf(extracted);
  }

  public UserWrite(
      Instant at,
      @Nullable UserRecord user,
      List<Episode> episodes,
      List<Memory> memories,
      List<MemoryChange> changes,
      List<AuditEntry> audit) {
    this(at, user, episodes, memories, changes, audit, Set.of(), Set.of());
  }

  public UserWrite(
      Instant at,
      @Nullable UserRecord user,
      List<Episode> episodes,
      List<Memory> memories,
      List<MemoryChange> changes,
      List<AuditEntry> audit,
      Set<String> awaitingExtraction,
      Set<String> extracted) {
    this(at, user, episodes, memories, changes, audit, awaitingExtraction, extracted, null);
  }

  /** This write, with its episodes stored as awaiting extraction. */
  public UserWrite withEpisodesAwaitingExtraction() {
    Set<String> ids = new java.util.HashSet<>();
    episodes.forEach(e -> ids.add(e.messageId()));
    return new UserWrite(at, user, episodes, memories, changes, audit, ids, extracted, observation);
  }

  /** This write, completing the extraction of {@code ids}. */
  public UserWrite completingExtraction(Set<String> ids) {
    return new UserWrite(
        at, user, episodes, memories, changes, audit, awaitingExtraction, ids, observation);
  }

  /** This write, made only while the queued observation {@code id} is still being learned. */
  public UserWrite learnedFrom(@Nullable String id) {
    return new UserWrite(
        at, user, episodes, memories, changes, audit, awaitingExtraction, extracted, id);
  }

  public UserWrite(
      Instant at,
      @Nullable UserRecord user,
      List<Episode> episodes,
      List<Memory> memories,
      List<MemoryChange> changes) {
    this(at, user, episodes, memories, changes, List.of());
  }

  public static UserWrite user(UserRecord user) {
    return new UserWrite(user.updatedAt(), user, List.of(), List.of(), List.of());
  }

  public static UserWrite memories(Instant at, List<Memory> memories, List<MemoryChange> changes) {
    return new UserWrite(at, null, List.of(), memories, changes);
  }

  public boolean isEmpty() {
    return user == null
        && episodes.isEmpty()
        && memories.isEmpty()
        && changes.isEmpty()
        && audit.isEmpty()
        && extracted.isEmpty();
  }
}
