package dev.attune.core.internal;

import dev.attune.core.api.MemoryEdit;
import dev.attune.core.api.NewMemory;
import dev.attune.core.learning.Compressor;
import dev.attune.core.model.Category;
import dev.attune.core.model.ChangeKind;
import dev.attune.core.model.ConflictException;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryChange;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.MemoryStatus;
import dev.attune.core.model.NotFoundException;
import dev.attune.core.model.Provenance;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.Embedder;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.port.Store;
import dev.attune.core.port.UserWrite;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Explicit changes to a user's memories (through the API, by the user or the application): add,
 * edit, pin, delete, each with its history entry and the summaries of the categories it touches
 * rewritten in the same write. Nothing is ever removed but by erasure: a deleted memory stays as a
 * tombstone in its history.
 */
public final class MemoryEditor {
  private final Store store;
  private final Embedder embedder;
  private final PrivacyGuard privacy;
  private final Summaries summaries;
  private final EpisodeVectors vectors;
  private final UserRecords records;
  private final UserWriter writer;
  private final UserLocks locks;
  private final Supplier<Instant> clock;

  private final EffectTracker tracker;

  public MemoryEditor(
      Store store,
      Embedder embedder,
      PrivacyGuard privacy,
      Summaries summaries,
      EpisodeVectors vectors,
      UserRecords records,
      UserWriter writer,
      EffectTracker tracker,
      UserLocks locks,
      Supplier<Instant> clock) {
    this.store = store;
    this.tracker = tracker;
    this.embedder = embedder;
    this.privacy = privacy;
    this.summaries = summaries;
    this.vectors = vectors;
    this.records = records;
    this.writer = writer;
    this.locks = locks;
    this.clock = clock;
  }

  /** Adds a memory explicitly (it does not come from conversation), creating the user if needed. */
  public Memory add(TenantId tenant, UserId user, NewMemory memory, String actor) {
    Objects.requireNonNull(memory, "memory");
    return locks.locked(
        tenant,
        user,
        () -> {
          Instant now = clock.get();
          privacy.checkExplicit(records.policyOf(tenant, user), memory.text(), memory.category());
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
                  .withEmbedding(vectors.embedding(embedder.embed(memory.text())));
          MemoryChange created =
              new MemoryChange(
                  m.id(), now, ChangeKind.CREATED, actor, null, m.text(), null, List.of());
          commit(tenant, user, m, List.of(created), EnumSet.of(m.category()), now);
          return m;
        });
  }

  /**
   * Edits an active memory. A changed text or category pins it.
   *
   * @throws NotFoundException if the user has no such memory, or it was deleted
   * @throws ConflictException if it was superseded (edit its successor instead)
   */
  public Memory edit(TenantId tenant, UserId user, MemoryId id, MemoryEdit edit, String actor) {
    Objects.requireNonNull(edit, "edit");
    return locks.locked(
        tenant,
        user,
        () -> {
          Instant now = clock.get();
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
                records.policyOf(tenant, user),
                text,
                categoryChanged ? edit.category() : current.category());
            updated =
                current
                    .withText(text, categoryChanged ? edit.category() : current.category(), now)
                    .withPinned(true, now)
                    .withEmbedding(vectors.embedding(embedder.embed(text)));
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
            commit(
                tenant,
                user,
                updated,
                changes,
                EnumSet.of(current.category(), updated.category()),
                now);
          }
          if (textChanged || categoryChanged) {
            tracker.edited(tenant, user, current, now);
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
  public void delete(TenantId tenant, UserId user, MemoryId id, String actor) {
    locks.locked(
        tenant,
        user,
        () -> {
          Instant now = clock.get();
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
          Set<Category> touched =
              Compressor.isSummary(current)
                  ? EnumSet.noneOf(Category.class)
                  : EnumSet.of(current.category());
          commit(tenant, user, gone, List.of(deleted), touched, now);
          tracker.deleted(tenant, user, current, now);
          return null;
        });
  }

  /**
   * Writes one changed memory with its history, and the summaries of the categories it touched
   * rewritten, in one transaction; the user's cached working set gets the write applied (a user
   * answered from a dropped set would wait for a reload on the request path).
   */
  private void commit(
      TenantId tenant,
      UserId user,
      Memory changed,
      List<MemoryChange> changes,
      Set<Category> touched,
      Instant now) {
    Compressor.Update update =
        summaries.refresh(
            tenant,
            user,
            store.memories(tenant, user, MemoryQuery.active()),
            List.of(changed),
            touched,
            now);
    UserWrite write =
        UserWrite.memories(
            now,
            Summaries.concat(List.of(changed), update.memories()),
            Summaries.concat(changes, update.changes()));
    writer.write(tenant, user, write);
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
}
