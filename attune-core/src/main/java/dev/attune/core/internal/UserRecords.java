package dev.attune.core.internal;

import dev.attune.core.api.UserExport;
import dev.attune.core.model.DataPolicy;
import dev.attune.core.model.Episode;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryChange;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.OrgProfile;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.model.UserProfile;
import dev.attune.core.model.UserRecord;
import dev.attune.core.port.EpisodeQuery;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.port.Store;
import dev.attune.core.port.UserWrite;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A user's record (explicit profile and org membership), their org's profile, and the user's rights
 * over what is held about them: everything exported, everything erased.
 */
public final class UserRecords {
  private final Store store;
  private final PrivacyGuard privacy;
  private final UserWriter writer;
  private final UserLocks locks;
  private final Supplier<Instant> clock;
  private final Object orgWrites = new Object();

  public UserRecords(
      Store store,
      PrivacyGuard privacy,
      UserWriter writer,
      UserLocks locks,
      Supplier<Instant> clock) {
    this.store = store;
    this.privacy = privacy;
    this.writer = writer;
    this.locks = locks;
    this.clock = clock;
  }

  /** The data policy that applies to the user: their org's, or the default. */
  public DataPolicy policyOf(TenantId tenant, UserId user) {
    return privacy.policyFor(
        tenant, store.findUser(tenant, user).map(UserRecord::org).orElse(null));
  }

  public UserRecord putProfile(TenantId tenant, UserId user, UserProfile profile) {
    Objects.requireNonNull(profile, "profile");
    return update(
        tenant, user, r -> new UserRecord(user, r.org(), profile, r.createdAt(), clock.get()));
  }

  public UserRecord patchProfile(TenantId tenant, UserId user, Map<String, ?> patch) {
    Objects.requireNonNull(patch, "patch");
    return update(
        tenant,
        user,
        r -> new UserRecord(user, r.org(), r.profile().patch(patch), r.createdAt(), clock.get()));
  }

  public UserRecord setOrg(TenantId tenant, UserId user, @Nullable OrgId org) {
    return update(
        tenant, user, r -> new UserRecord(user, org, r.profile(), r.createdAt(), clock.get()));
  }

  private UserRecord update(TenantId tenant, UserId user, UnaryOperator<UserRecord> change) {
    return locks.locked(
        tenant,
        user,
        () -> {
          UserRecord current =
              store
                  .findUser(tenant, user)
                  .orElseGet(() -> UserRecord.create(user, null, clock.get()));
          UserRecord updated = change.apply(current);
          writer.writeAndReload(tenant, user, UserWrite.user(updated));
          return updated;
        });
  }

  public OrgProfile patchOrg(TenantId tenant, OrgId org, Map<String, ?> patch) {
    // Read, merge, write: one at a time in this process.
    synchronized (orgWrites) {
      OrgProfile updated = store.findOrg(tenant, org).orElse(OrgProfile.empty()).patch(patch);
      store.putOrg(tenant, org, updated);
      return updated;
    }
  }

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
    // One read, then in the memories' order (each memory's changes oldest first).
    Map<MemoryId, List<MemoryChange>> byMemory = new HashMap<>();
    for (MemoryChange c : store.userHistory(tenant, user)) {
      byMemory.computeIfAbsent(c.memory(), k -> new ArrayList<>()).add(c);
    }
    List<MemoryChange> history = new ArrayList<>();
    for (Memory m : memories) {
      history.addAll(byMemory.getOrDefault(m.id(), List.of()));
    }
    return new UserExport(
        record,
        memories,
        episodes,
        history,
        store.contextRecords(tenant, user, Integer.MAX_VALUE),
        store.feedback(tenant, user),
        store.corrections(tenant, user));
  }

  /** Erases everything held about the user; false if there was nothing. */
  public boolean forget(TenantId tenant, UserId user) {
    return locks.locked(
        tenant,
        user,
        () -> {
          return writer.forget(tenant, user);
        });
  }
}
