package dev.attune.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.core.api.ExtractionBacklog;
import dev.attune.core.model.Category;
import dev.attune.core.model.ChangeKind;
import dev.attune.core.model.Embedding;
import dev.attune.core.model.Episode;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryChange;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.MemoryStatus;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.OrgProfile;
import dev.attune.core.model.Provenance;
import dev.attune.core.model.Role;
import dev.attune.core.model.SourceRef;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.model.UserProfile;
import dev.attune.core.model.UserRecord;
import dev.attune.core.port.EpisodeQuery;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.port.MemoryStore;
import dev.attune.core.port.UserWrite;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every {@link MemoryStore} adapter passes: extend it, implement {@link #newStore()}
 * and {@link #rawContents(MemoryStore)}, and run it. It covers CRUD, ordering, history, atomic
 * writes, erasure (nothing of a forgotten user remains, in any table) and tenant and user isolation
 * under randomized operation sequences.
 */
public abstract class MemoryStoreContract {
  protected static final TenantId T1 = TenantId.of("tenant-one");
  protected static final TenantId T2 = TenantId.of("tenant-two");
  protected static final UserId ALICE = UserId.of("alice");
  protected static final UserId BOB = UserId.of("bob");
  protected static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

  protected MemoryStore store;

  /** A new, empty store. Called once per test (and once per try of the randomized property). */
  protected abstract MemoryStore newStore() throws Exception;

  /**
   * Every byte of text the store holds, however it holds it (all tables, including index and shadow
   * tables), for erasure checks.
   */
  protected abstract String rawContents(MemoryStore store) throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  // ---- fixtures ----

  protected static Memory memory(UserId user, String text, Category category, Instant created) {
    return Memory.create(
            MemoryId.random(),
            user,
            text,
            category,
            null,
            0.7,
            Provenance.observed(List.of(new SourceRef("m-" + text.hashCode(), "s1", created))),
            created,
            created)
        .withEmbedding(new Embedding("model-a", new float[] {0.6f, 0.8f, 0f}));
  }

  protected static Episode episode(
      UserId user, String id, String content, String session, Instant at) {
    return new Episode(
        id,
        user,
        Role.USER,
        "Speaker",
        content,
        session,
        at,
        new Embedding("model-a", new float[] {1f, 0f, 0f}));
  }

  protected static UserWrite writeOf(
      Instant at, List<Episode> episodes, List<Memory> memories, List<MemoryChange> changes) {
    return new UserWrite(at, null, episodes, memories, changes);
  }

  // ---- users and profiles ----

  @Test
  void unknownUserHasNoRecordAndNoData() {
    assertThat(store.findUser(T1, ALICE)).isEmpty();
    assertThat(store.memories(T1, ALICE, MemoryQuery.all())).isEmpty();
    assertThat(store.episodes(T1, ALICE, EpisodeQuery.all())).isEmpty();
    assertThat(store.knownMessageIds(T1, ALICE, List.of("x"))).isEmpty();
  }

  @Test
  void userRecordRoundTripsWithProfileAndOrg() {
    UserProfile profile =
        new UserProfile(
            "Alice",
            "Data engineer",
            "expert",
            "concise",
            "de",
            List.of("dark mode", "metric units"),
            Map.of("timezone", "Europe/Berlin"));
    UserRecord record = new UserRecord(ALICE, OrgId.of("acme"), profile, T0, T0.plusSeconds(5));
    store.write(T1, ALICE, UserWrite.user(record));

    assertThat(store.findUser(T1, ALICE)).contains(record);
    assertThat(store.findUser(T2, ALICE)).isEmpty();
  }

  @Test
  void aWriteWithoutUserRowCreatesABareOneAndAdvancesItsUpdateTime() {
    store.write(
        T1,
        ALICE,
        writeOf(T0, List.of(), List.of(memory(ALICE, "x", Category.FACT, T0)), List.of()));
    UserRecord created = store.findUser(T1, ALICE).orElseThrow();
    assertThat(created.profile()).isEqualTo(UserProfile.empty());
    assertThat(created.org()).isNull();

    store.write(T1, ALICE, writeOf(T0.plusSeconds(60), List.of(), List.of(), List.of()));
    UserRecord touched = store.findUser(T1, ALICE).orElseThrow();
    assertThat(touched.createdAt()).isEqualTo(created.createdAt());
    assertThat(touched.updatedAt()).isEqualTo(T0.plusSeconds(60));
  }

  @Test
  void usersArePagedInIdOrderWithinTheTenant() {
    for (String id : List.of("carol", "alice", "bob", "dave")) {
      store.write(T1, UserId.of(id), writeOf(T0, List.of(), List.of(), List.of()));
    }
    store.write(T2, UserId.of("zed"), writeOf(T0, List.of(), List.of(), List.of()));

    assertThat(store.users(T1, null, 3))
        .extracting(UserId::value)
        .containsExactly("alice", "bob", "carol");
    assertThat(store.users(T1, UserId.of("carol"), 3))
        .extracting(UserId::value)
        .containsExactly("dave");
    assertThat(store.users(T2, null, 10)).extracting(UserId::value).containsExactly("zed");
  }

  // ---- memories ----

  @Test
  void memoryRoundTripsEveryField() {
    Memory m =
        new Memory(
            MemoryId.of("mem-1"),
            ALICE,
            "Alice lives in Berlin",
            Category.LOCATION,
            "location",
            0.85,
            Provenance.observed(
                List.of(
                    new SourceRef("msg-1", "s1", T0),
                    new SourceRef("msg-2", null, T0.plusSeconds(1)))),
            T0,
            T0.plusSeconds(100),
            T0,
            T0.plusSeconds(2),
            T0.plusSeconds(3),
            MemoryId.of("mem-2"),
            MemoryStatus.SUPERSEDED,
            true,
            T0.plusSeconds(4),
            new Embedding("model-a", new float[] {0.25f, -0.5f, 0.75f}));
    store.write(T1, ALICE, writeOf(T0, List.of(), List.of(m), List.of()));

    assertThat(store.findMemory(T1, ALICE, m.id())).contains(m);
    assertThat(store.findMemory(T1, BOB, m.id())).isEmpty();
    assertThat(store.findMemory(T2, ALICE, m.id())).isEmpty();
    assertThat(store.findMemories(T1, ALICE, List.of(m.id()))).containsExactly(m);
  }

  @Test
  void memoriesAreFoundByIdsInOneReadInTheIdsOrder() {
    Memory a = memory(ALICE, "likes tea", Category.PREFERENCE, T0);
    Memory b = memory(ALICE, "uses Go", Category.TOOL, T0.plusSeconds(10));
    Memory other = memory(BOB, "likes coffee", Category.PREFERENCE, T0);
    store.write(T1, ALICE, writeOf(T0, List.of(), List.of(a, b), List.of()));
    store.write(T1, BOB, writeOf(T0, List.of(), List.of(other), List.of()));

    assertThat(store.findMemories(T1, ALICE, List.of(b.id(), MemoryId.of("mem-none"), a.id())))
        .extracting(Memory::id)
        .containsExactly(b.id(), a.id());
    assertThat(store.findMemories(T1, ALICE, List.of(other.id()))).isEmpty();
    assertThat(store.findMemories(T2, ALICE, List.of(a.id()))).isEmpty();
    assertThat(store.findMemories(T1, ALICE, List.of())).isEmpty();
  }

  @Test
  void memoriesAreListedNewestFirstFilteredAndPaged() {
    Memory a = memory(ALICE, "likes tea", Category.PREFERENCE, T0);
    Memory b = memory(ALICE, "uses Go", Category.TOOL, T0.plusSeconds(10));
    Memory c =
        memory(ALICE, "lives in Oslo", Category.LOCATION, T0.plusSeconds(20))
            .deleted(T0.plusSeconds(30));
    store.write(T1, ALICE, writeOf(T0, List.of(), List.of(a, b, c), List.of()));

    assertThat(store.memories(T1, ALICE, MemoryQuery.active())).containsExactly(b, a);
    assertThat(store.memories(T1, ALICE, MemoryQuery.all())).containsExactly(c, b, a);
    assertThat(
            store.memories(
                T1,
                ALICE,
                new MemoryQuery(
                    EnumSet.allOf(MemoryStatus.class),
                    Set.of(Category.TOOL, Category.LOCATION),
                    0,
                    10)))
        .containsExactly(c, b);
    assertThat(
            store.memories(
                T1, ALICE, new MemoryQuery(EnumSet.allOf(MemoryStatus.class), Set.of(), 1, 1)))
        .containsExactly(b);
  }

  @Test
  void activeMemoriesAreCountedPerTenant() {
    store.write(
        T1,
        ALICE,
        writeOf(
            T0,
            List.of(),
            List.of(
                memory(ALICE, "a", Category.FACT, T0),
                memory(ALICE, "b", Category.FACT, T0).deleted(T0)),
            List.of()));
    store.write(
        T1, BOB, writeOf(T0, List.of(), List.of(memory(BOB, "c", Category.FACT, T0)), List.of()));
    store.write(
        T2,
        ALICE,
        writeOf(T0, List.of(), List.of(memory(ALICE, "d", Category.FACT, T0)), List.of()));
    assertThat(store.countActiveMemories(T1)).isEqualTo(2);
    assertThat(store.countActiveMemories(T2)).isEqualTo(1);
  }

  @Test
  void writingAMemoryAgainReplacesIt() {
    Memory m = memory(ALICE, "likes tea", Category.PREFERENCE, T0);
    store.write(T1, ALICE, writeOf(T0, List.of(), List.of(m), List.of()));
    Memory reinforced = m.reinforced(0.9, m.provenance(), T0.plusSeconds(5));
    store.write(T1, ALICE, writeOf(T0, List.of(), List.of(reinforced), List.of()));

    assertThat(store.memories(T1, ALICE, MemoryQuery.all())).containsExactly(reinforced);
  }

  // ---- episodes ----

  @Test
  void episodesReturnTheLatestOldestFirstWithArrivalOrderBreakingTies() {
    List<Episode> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      // Two messages share each timestamp: arrival order decides.
      all.add(episode(ALICE, "e" + i, "message " + i, i < 3 ? "s1" : "s2", T0.plusSeconds(i / 2)));
    }
    store.write(T1, ALICE, writeOf(T0, all, List.of(), List.of()));

    assertThat(store.episodes(T1, ALICE, EpisodeQuery.all())).containsExactlyElementsOf(all);
    assertThat(store.episodes(T1, ALICE, EpisodeQuery.latest(2)))
        .containsExactly(all.get(3), all.get(4));
    assertThat(store.episodes(T1, ALICE, new EpisodeQuery("s1", 10)))
        .containsExactly(all.get(0), all.get(1), all.get(2));
    assertThat(store.knownMessageIds(T1, ALICE, List.of("e1", "e4", "nope")))
        .containsExactlyInAnyOrder("e1", "e4");
    assertThat(store.knownMessageIds(T1, BOB, List.of("e1"))).isEmpty();
  }

  @Test
  void writingAnEpisodeAgainReplacesItsEmbeddingInPlace() {
    Episode e = episode(ALICE, "e1", "hello", "s1", T0);
    Episode later = episode(ALICE, "e2", "later", "s1", T0.plusSeconds(1));
    store.write(T1, ALICE, writeOf(T0, List.of(e, later), List.of(), List.of()));
    Episode reembedded = e.withEmbedding(new Embedding("model-b", new float[] {0f, 1f}));
    store.write(T1, ALICE, writeOf(T0, List.of(reembedded), List.of(), List.of()));

    assertThat(store.episodes(T1, ALICE, EpisodeQuery.all())).containsExactly(reembedded, later);
  }

  @Test
  void expiredEpisodesAreDeletedPerTenantAndMemoriesStay() {
    Episode old = episode(ALICE, "e1", "old news", "s1", T0);
    Episode fresh = episode(ALICE, "e2", "fresh news", "s1", T0.plus(Duration.ofDays(100)));
    Episode bobOld = episode(BOB, "e3", "bob's old news", "s1", T0);
    Memory fact = memory(ALICE, "likes news", Category.PREFERENCE, T0);
    store.write(T1, ALICE, writeOf(T0, List.of(old, fresh), List.of(fact), List.of()));
    store.write(T1, BOB, writeOf(T0, List.of(bobOld), List.of(), List.of()));
    store.write(T2, ALICE, writeOf(T0, List.of(old), List.of(), List.of()));
    assertThat(store.tenants()).containsExactly(T1, T2);

    long deleted = store.deleteEpisodesBefore(T1, T0.plus(Duration.ofDays(10)));

    assertThat(deleted).isEqualTo(2);
    assertThat(store.episodes(T1, ALICE, EpisodeQuery.all())).containsExactly(fresh);
    assertThat(store.episodes(T1, BOB, EpisodeQuery.all())).isEmpty();
    // Another tenant's episodes of the same age are its own business.
    assertThat(store.episodes(T2, ALICE, EpisodeQuery.all())).containsExactly(old);
    assertThat(store.memories(T1, ALICE, MemoryQuery.active())).containsExactly(fact);
    assertThat(store.knownMessageIds(T1, ALICE, List.of("e1"))).isEmpty();
  }

  // ---- the extraction buffer ----

  @Test
  void extractionIsClaimedByOneWorkerAtATime() {
    store.write(T1, ALICE, UserWrite.memories(T0, List.of(), List.of()));
    store.write(T2, ALICE, UserWrite.memories(T0, List.of(), List.of()));
    java.time.Instant lease = T0.plusSeconds(600);

    assertThat(store.claimExtraction(T1, ALICE, "node-a", T0, lease)).isTrue();
    assertThat(store.claimExtraction(T1, ALICE, "node-b", T0.plusSeconds(1), lease)).isFalse();
    assertThat(store.claimExtraction(T1, ALICE, "node-a", T0.plusSeconds(2), lease)).isTrue();
    // Another tenant's user of the same id is another claim.
    assertThat(store.claimExtraction(T2, ALICE, "node-b", T0, lease)).isTrue();
    // A claim that ran out can be taken over; a released one at once.
    assertThat(
            store.claimExtraction(
                T1, ALICE, "node-b", lease.plusSeconds(1), lease.plusSeconds(600)))
        .isTrue();
    store.releaseExtraction(T1, ALICE, "node-a"); // not its claim any more: no effect
    assertThat(
            store.claimExtraction(
                T1, ALICE, "node-c", lease.plusSeconds(2), lease.plusSeconds(600)))
        .isFalse();
    store.releaseExtraction(T1, ALICE, "node-b");
    assertThat(
            store.claimExtraction(
                T1, ALICE, "node-c", lease.plusSeconds(3), lease.plusSeconds(600)))
        .isTrue();
  }

  @Test
  void messagesAwaitingExtractionAreListedDeferredAndCompletedOnce() {
    Episode e1 = episode(ALICE, "e1", "first", "s1", T0);
    Episode e2 = episode(ALICE, "e2", "second", "s1", T0.plusSeconds(1));
    Episode done = episode(ALICE, "e0", "already extracted", "s1", T0.minusSeconds(1));
    store.write(T1, ALICE, writeOf(T0, List.of(done), List.of(), List.of()));
    store.write(
        T1,
        ALICE,
        writeOf(T0.plusSeconds(5), List.of(e1, e2), List.of(), List.of())
            .withEpisodesAwaitingExtraction());
    store.write(
        T2,
        BOB,
        writeOf(T0, List.of(episode(BOB, "b1", "bob", "s1", T0)), List.of(), List.of())
            .withEpisodesAwaitingExtraction());

    Instant now = T0.plusSeconds(10);
    assertThat(store.awaitingExtraction(now, 10))
        .containsExactlyInAnyOrder(
            new MemoryStore.AwaitingExtraction(T1, ALICE, 2, T0.plusSeconds(5)),
            new MemoryStore.AwaitingExtraction(T2, BOB, 1, T0));
    assertThat(store.episodesAwaitingExtraction(T1, ALICE, now, 10)).containsExactly(e1, e2);
    assertThat(store.episodesAwaitingExtraction(T2, ALICE, now, 10)).isEmpty();
    assertThat(store.extractionBacklog(T1)).isEqualTo(new ExtractionBacklog(2, 0));

    // A failed attempt keeps them, counted, and not due before the retry time.
    int failures =
        store.deferExtraction(T1, ALICE, List.of("e1", "e2"), n -> now.plusSeconds(60L * n));
    assertThat(failures).isEqualTo(1);
    assertThat(store.episodesAwaitingExtraction(T1, ALICE, now, 10)).isEmpty();
    assertThat(store.awaitingExtraction(now, 10)).extracting(a -> a.user()).containsExactly(BOB);
    assertThat(store.episodesAwaitingExtraction(T1, ALICE, now.plusSeconds(60), 10)).hasSize(2);
    assertThat(store.extractionBacklog(T1)).isEqualTo(new ExtractionBacklog(2, 2));
    assertThat(store.deferExtraction(T1, ALICE, List.of("e1"), n -> now.plusSeconds(60L * n)))
        .isEqualTo(2);

    // Completing: memories and cleared flags in one write; a second completion conflicts and
    // writes nothing.
    Memory fact = memory(ALICE, "likes firsts", Category.PREFERENCE, T0);
    store.write(
        T1,
        ALICE,
        writeOf(now, List.of(), List.of(fact), List.of()).completingExtraction(Set.of("e1", "e2")));
    assertThat(store.extractionBacklog(T1)).isEqualTo(new ExtractionBacklog(0, 0));
    Memory again = memory(ALICE, "likes seconds", Category.PREFERENCE, T0);
    assertThatThrownBy(
            () ->
                store.write(
                    T1,
                    ALICE,
                    writeOf(now, List.of(), List.of(again), List.of())
                        .completingExtraction(Set.of("e1"))))
        .isInstanceOf(dev.attune.core.model.ConflictException.class);
    assertThat(store.memories(T1, ALICE, MemoryQuery.active())).containsExactly(fact);
    assertThat(store.episodes(T1, ALICE, EpisodeQuery.all())).containsExactly(done, e1, e2);
  }

  // ---- history ----

  @Test
  void historyIsKeptPerMemoryInOrder() {
    Memory m = memory(ALICE, "lives in Paris", Category.LOCATION, T0);
    Memory other = memory(ALICE, "likes tea", Category.PREFERENCE, T0);
    MemoryChange created =
        new MemoryChange(
            m.id(),
            T0,
            ChangeKind.CREATED,
            "extractor:heuristic",
            null,
            m.text(),
            null,
            List.of("msg-1"));
    MemoryChange superseded =
        new MemoryChange(
            m.id(),
            T0.plusSeconds(9),
            ChangeKind.SUPERSEDED,
            "extractor:heuristic",
            m.text(),
            "lives in Berlin",
            MemoryId.of("mem-b"),
            List.of("msg-2"));
    MemoryChange unrelated =
        new MemoryChange(
            other.id(), T0, ChangeKind.CREATED, "api", null, other.text(), null, List.of());
    store.write(T1, ALICE, writeOf(T0, List.of(), List.of(m, other), List.of(created, unrelated)));
    store.write(T1, ALICE, writeOf(T0, List.of(), List.of(), List.of(superseded)));

    assertThat(store.history(T1, ALICE, m.id())).containsExactly(created, superseded);
    assertThat(store.history(T2, ALICE, m.id())).isEmpty();
    assertThat(store.history(T1, BOB, m.id())).isEmpty();
    // All of the user's history in one read: every change, each memory's in order.
    List<MemoryChange> all = store.userHistory(T1, ALICE);
    assertThat(all).containsExactlyInAnyOrder(created, superseded, unrelated);
    assertThat(all.stream().filter(c -> c.memory().equals(m.id())))
        .containsExactly(created, superseded);
    assertThat(store.userHistory(T2, ALICE)).isEmpty();
    assertThat(store.userHistory(T1, BOB)).isEmpty();
  }

  // ---- atomicity ----

  @Test
  void aWriteThatFailsPartWayLeavesNothing() {
    Memory good = memory(ALICE, "likes tea", Category.PREFERENCE, T0);
    Memory foreign = memory(BOB, "belongs to bob", Category.FACT, T0);
    UserWrite bad =
        writeOf(
            T0,
            List.of(episode(ALICE, "e1", "hello", "s1", T0)),
            List.of(good, foreign),
            List.of());

    assertThatThrownBy(() -> store.write(T1, ALICE, bad)).isInstanceOf(RuntimeException.class);
    assertThat(store.findUser(T1, ALICE)).isEmpty();
    assertThat(store.memories(T1, ALICE, MemoryQuery.all())).isEmpty();
    assertThat(store.episodes(T1, ALICE, EpisodeQuery.all())).isEmpty();
  }

  // ---- orgs ----

  @Test
  void orgProfilesArePutFoundAndDeletedPerTenant() {
    OrgProfile acme =
        new OrgProfile(
            "Acme Bank",
            "finance",
            Map.of("KYC", "know your customer"),
            List.of("Never give investment advice."),
            List.of("formal"));
    store.putOrg(T1, OrgId.of("acme"), acme);

    store.putOrg(T1, OrgId.of("zeta"), acme);
    store.putOrg(T2, OrgId.of("beta"), acme);

    assertThat(store.findOrg(T1, OrgId.of("acme"))).contains(acme);
    assertThat(store.findOrg(T2, OrgId.of("acme"))).isEmpty();
    assertThat(store.orgs(T1)).containsExactly(OrgId.of("acme"), OrgId.of("zeta"));
    assertThat(store.orgs(T2)).containsExactly(OrgId.of("beta"));
    assertThat(store.deleteOrg(T2, OrgId.of("acme"))).isFalse();
    assertThat(store.deleteOrg(T1, OrgId.of("acme"))).isTrue();
    assertThat(store.findOrg(T1, OrgId.of("acme"))).isEmpty();
  }

  // ---- erasure ----

  @Test
  void forgettingAUserLeavesNothingOfThemAnywhere() throws Exception {
    String secret = "forget-me-" + System.nanoTime();
    Memory m = memory(ALICE, "Alice's code word is " + secret, Category.FACT, T0);
    store.write(
        T1,
        ALICE,
        new UserWrite(
            T0,
            new UserRecord(
                ALICE, null, UserProfile.empty().patch(Map.of("name", secret + "-name")), T0, T0),
            List.of(
                episode(
                    ALICE, secret + "-msg", "my code word is " + secret, secret + "-session", T0)),
            List.of(m),
            List.of(
                new MemoryChange(
                    m.id(),
                    T0,
                    ChangeKind.CREATED,
                    "api",
                    null,
                    m.text(),
                    null,
                    List.of(secret + "-msg")))));
    Memory bobs = memory(BOB, "Bob keeps his note", Category.FACT, T0);
    store.write(T1, BOB, writeOf(T0, List.of(), List.of(bobs), List.of()));
    store.write(
        T2,
        ALICE,
        writeOf(
            T0,
            List.of(),
            List.of(memory(ALICE, "other tenant alice", Category.FACT, T0)),
            List.of()));
    assertThat(rawContents(store)).contains(secret);

    assertThat(store.forget(T1, ALICE)).isTrue();

    assertThat(rawContents(store)).doesNotContain(secret);
    assertThat(store.findUser(T1, ALICE)).isEmpty();
    assertThat(store.memories(T1, ALICE, MemoryQuery.all())).isEmpty();
    assertThat(store.episodes(T1, ALICE, EpisodeQuery.all())).isEmpty();
    assertThat(store.history(T1, ALICE, m.id())).isEmpty();
    assertThat(store.memories(T1, BOB, MemoryQuery.all())).containsExactly(bobs);
    assertThat(store.memories(T2, ALICE, MemoryQuery.all())).hasSize(1);
    assertThat(store.forget(T1, ALICE)).isFalse();
  }

  // ---- isolation ----

  /**
   * Seeded random sequences of every operation over three tenants and three users whose ids are the
   * same in every tenant. Every stored text carries its owner's mark; no read may ever return a
   * record with another owner's mark.
   */
  static Stream<Long> isolationSeeds() {
    // 3 in a developer's verify, 12 in .ci/run (-Dattune.isolation.seeds=12).
    return Seeds.of(Integer.getInteger("attune.isolation.seeds", 3));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("isolationSeeds")
  void noReadEverReturnsAnotherTenantsOrUsersData(long seed) throws Exception {
    Random random = new Random(seed);
    List<TenantId> tenants = List.of(TenantId.of("ta"), TenantId.of("tb"), TenantId.of("tc"));
    List<UserId> users = List.of(UserId.of("u1"), UserId.of("u2"), UserId.of("u3"));
    List<OrgId> orgs = List.of(OrgId.of("o1"), OrgId.of("o2"));
    Map<String, List<MemoryId>> memoryIds = new java.util.HashMap<>();
    try (MemoryStore s = newStore()) {
      for (int step = 0; step < 150; step++) {
        TenantId t = tenants.get(random.nextInt(tenants.size()));
        UserId u = users.get(random.nextInt(users.size()));
        String mark = "[" + t.value() + "/" + u.value() + "]";
        String key = t.value() + "/" + u.value();
        Instant at = T0.plus(Duration.ofSeconds(step));
        switch (random.nextInt(9)) {
          case 0 -> {
            Memory m =
                memory(
                    u,
                    mark + " fact " + step,
                    Category.values()[random.nextInt(Category.values().length)],
                    at);
            memoryIds.computeIfAbsent(key, k -> new ArrayList<>()).add(m.id());
            s.write(
                t,
                u,
                new UserWrite(
                    at,
                    null,
                    List.of(
                        episode(
                            u, "msg-" + step, mark + " said " + step, "s" + random.nextInt(2), at)),
                    List.of(m),
                    List.of(
                        new MemoryChange(
                            m.id(),
                            at,
                            ChangeKind.CREATED,
                            mark,
                            null,
                            m.text(),
                            null,
                            List.of()))));
          }
          case 1 ->
              s.write(
                  t,
                  u,
                  UserWrite.user(
                      new UserRecord(
                          u,
                          orgs.get(random.nextInt(2)),
                          UserProfile.empty().patch(Map.of("name", mark)),
                          at,
                          at)));
          case 2 ->
              s.putOrg(
                  t,
                  orgs.get(random.nextInt(2)),
                  new OrgProfile(
                      "[" + t.value() + "] org",
                      null,
                      Map.of(),
                      List.of("[" + t.value() + "] rule"),
                      List.of()));
          case 3 -> {
            if (random.nextInt(4) == 0) {
              s.forget(t, u);
              memoryIds.remove(key);
            }
          }
          default -> {}
        }
        // Reads with a random (tenant, user), which usually differs from the writer's.
        TenantId rt = tenants.get(random.nextInt(tenants.size()));
        UserId ru = users.get(random.nextInt(users.size()));
        String own = "[" + rt.value() + "/" + ru.value() + "]";
        for (Memory m : s.memories(rt, ru, MemoryQuery.all())) {
          assertThat(m.text()).startsWith(own);
          assertThat(m.user()).isEqualTo(ru);
        }
        for (Episode e : s.episodes(rt, ru, EpisodeQuery.all())) {
          assertThat(e.content()).startsWith(own);
          assertThat(e.user()).isEqualTo(ru);
        }
        s.findUser(rt, ru)
            .ifPresent(
                r -> {
                  assertThat(r.id()).isEqualTo(ru);
                  if (r.profile().name() != null) {
                    assertThat(r.profile().name()).isEqualTo(own);
                  }
                });
        for (String otherKey : memoryIds.keySet()) {
          for (MemoryId id : memoryIds.get(otherKey)) {
            s.findMemory(rt, ru, id).ifPresent(m -> assertThat(m.text()).startsWith(own));
            for (MemoryChange c : s.history(rt, ru, id)) {
              assertThat(c.actor()).isEqualTo(own);
            }
          }
        }
        for (OrgId o : orgs) {
          s.findOrg(rt, o).ifPresent(p -> assertThat(p.name()).startsWith("[" + rt.value() + "]"));
        }
        for (UserId listed : s.users(rt, null, 10)) {
          assertThat(users).contains(listed);
        }
        assertThat(s.knownMessageIds(rt, ru, List.of("msg-" + step)))
            .allSatisfy(
                id -> {
                  assertThat(s.episodes(rt, ru, EpisodeQuery.all()))
                      .anySatisfy(e -> assertThat(e.messageId()).isEqualTo(id));
                });
      }
    }
  }
}
