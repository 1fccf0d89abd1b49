package dev.attune.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.core.model.Category;
import dev.attune.core.model.Embedding;
import dev.attune.core.model.Episode;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.Provenance;
import dev.attune.core.model.Role;
import dev.attune.core.model.SourceRef;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.model.UserProfile;
import dev.attune.core.model.UserRecord;
import dev.attune.core.port.EngineMetrics;
import dev.attune.core.port.EpisodeQuery;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.port.UserWrite;
import dev.attune.core.retrieval.RetrievalPolicy;
import dev.attune.core.retrieval.WorkingSet;
import dev.attune.core.testing.HashingEmbedder;
import dev.attune.core.testing.InMemoryStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A cached working set with writes applied to it equals the set a reload from the store builds,
 * write after write: memories added, reinforced, superseded; messages past the cap; a user row
 * changed; and a write it cannot apply (an older message) reloads.
 */
class WorkingSetsApplyTest {
  static final TenantId T = TenantId.of("t");
  static final UserId U = UserId.of("u");
  static final int CAP = 5;
  final HashingEmbedder embedder = new HashingEmbedder();
  final InMemoryStore store = new InMemoryStore();
  final WorkingSets sets =
      new WorkingSets(
          store, embedder, RetrievalPolicy.defaults(), 1L << 30, CAP, EngineMetrics.NOOP);
  Instant now = Instant.parse("2025-03-01T09:00:00Z");
  int n;

  Embedding vector(String text) {
    return new Embedding(embedder.modelId(), embedder.embedAll(List.of(text)).get(0));
  }

  Memory memory(String text) {
    now = now.plusSeconds(1);
    return Memory.create(
            MemoryId.random(),
            U,
            text,
            Category.FACT,
            null,
            0.7,
            Provenance.observed(List.of(new SourceRef("m" + n++, "s1", now))),
            now,
            now)
        .withEmbedding(vector(text));
  }

  Episode episode(String text, Instant at) {
    return new Episode("e" + n++, U, Role.USER, null, text, "s1", at, vector(text));
  }

  void writeAndApply(UserWrite write) {
    store.write(T, U, write);
    sets.applyIfCached(T, U, write);
    assertSameAsReload();
  }

  void assertSameAsReload() {
    WorkingSet applied = sets.cached(T, U);
    assertThat(applied).isNotNull();
    WorkingSet reloaded =
        sets.build(
            store.findUser(T, U).orElseThrow(),
            store.memories(T, U, MemoryQuery.active()),
            store.episodes(T, U, EpisodeQuery.latest(CAP)));
    assertThat(applied.user()).isEqualTo(reloaded.user());
    assertThat(applied.memories()).isEqualTo(reloaded.memories());
    assertThat(applied.episodes()).isEqualTo(reloaded.episodes());
    List<Memory> a = applied.memoriesWithVectors();
    List<Memory> b = reloaded.memoriesWithVectors();
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i).embedding().vector()).isEqualTo(b.get(i).embedding().vector());
    }
  }

  @Test
  void writesAppliedToTheCachedSetEqualAReload() {
    UserRecord row = new UserRecord(U, null, UserProfile.empty(), now, now);
    List<Memory> first = List.of(memory("likes tea"), memory("lives in Oslo"), memory("has a cat"));
    store.write(T, U, new UserWrite(now, row, List.of(episode("hello", now)), first, List.of()));
    sets.get(T, U); // cached

    Random random = new Random(5);
    List<Memory> active = new ArrayList<>(first);
    for (int round = 0; round < 12; round++) {
      now = now.plusSeconds(60);
      List<Episode> messages = new ArrayList<>();
      for (int i = 0; i < 1 + random.nextInt(3); i++) {
        messages.add(episode("message " + n + " about jazz", now.plusMillis(i)));
      }
      List<Memory> changed = new ArrayList<>();
      Memory added = memory("fact number " + round);
      changed.add(added);
      if (round % 3 == 1) { // a reinforcement: same id, new confidence
        Memory old = active.remove(random.nextInt(active.size()));
        Memory again = old.reinforced(0.9, old.provenance(), now);
        changed.add(again);
        active.add(again);
      } else if (round % 3 == 2) { // a supersession: the old one leaves the active set
        Memory old = active.remove(random.nextInt(active.size()));
        changed.add(old.supersededBy(added.id(), now, now));
      }
      active.add(added);
      UserRecord newRow =
          round == 5
              ? new UserRecord(
                  U, null, UserProfile.empty().patch(Map.of("name", "Ann")), row.createdAt(), now)
              : null;
      writeAndApply(new UserWrite(now, newRow, messages, changed, List.of()));
    }
    assertThat(sets.cached(T, U).episodes()).hasSize(CAP);

    // A message older than the newest held cannot be appended: the set is reloaded instead.
    writeAndApply(
        new UserWrite(
            now,
            null,
            List.of(episode("an old one", now.minusSeconds(3_600))),
            List.of(),
            List.of()));
  }
}
