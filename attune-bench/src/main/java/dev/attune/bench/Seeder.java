package dev.attune.bench;

import dev.attune.core.model.Category;
import dev.attune.core.model.Embedding;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.MemoryStatus;
import dev.attune.core.model.Provenance;
import dev.attune.core.model.SourceRef;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.port.MemoryStore;
import dev.attune.core.port.UserWrite;
import dev.attune.models.LocalEmbedder;
import dev.attune.store.sqlite.SqliteStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jspecify.annotations.Nullable;

/**
 * Fills a store for the benchmarks: typical users with N memories each and, optionally, one heavy
 * user. Memories carry random unit vectors tagged with the local model's id (scoring cost does not
 * depend on the values; embedding hundreds of thousands of facts would take minutes).
 */
final class Seeder {
  private Seeder() {}

  static UserId typical(int i) {
    return UserId.of(String.format("user-%05d", i));
  }

  static void seed(
      Path dir,
      TenantId tenant,
      int users,
      int memories,
      @Nullable UserId heavyUser,
      int heavy,
      SyntheticData synth,
      Instant start,
      PrintWriter out) {
    try (SqliteStore store = SqliteStore.open(dir)) {
      seed(store, dir.toString(), tenant, users, memories, heavyUser, heavy, synth, start, out);
    }
  }

  /** Fills {@code store} unless it already holds the data (then says it reuses it). */
  static void seed(
      MemoryStore store,
      String where,
      TenantId tenant,
      int users,
      int memories,
      @Nullable UserId heavyUser,
      int heavy,
      SyntheticData synth,
      Instant start,
      PrintWriter out) {
    UserId probe = heavyUser != null ? heavyUser : typical(users - 1);
    if (!store
        .memories(tenant, probe, new MemoryQuery(EnumSet.allOf(MemoryStatus.class), Set.of(), 0, 1))
        .isEmpty()) {
      out.println("reusing the data already in " + where);
      return;
    }
    try (ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName("seeding")
            .setStyle(ProgressBarStyle.ASCII)
            .setInitialMax(users + (heavyUser != null ? 1 : 0))
            .setUpdateIntervalMillis(500)
            .build()) {
      for (int u = 0; u < users; u++) {
        store.write(
            tenant,
            typical(u),
            UserWrite.memories(start, facts(typical(u), memories, synth, start), List.of()));
        bar.step();
      }
      if (heavyUser != null) {
        store.write(
            tenant,
            heavyUser,
            UserWrite.memories(start, facts(heavyUser, heavy, synth, start), List.of()));
        bar.step();
      }
    }
  }

  static List<Memory> facts(UserId user, int n, SyntheticData synth, Instant start) {
    Category[] categories = Category.values();
    List<Memory> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Instant at = start.plus(Duration.ofMinutes(synth.random().nextInt(60 * 24 * 28)));
      Memory m =
          Memory.create(
                  MemoryId.random(),
                  user,
                  synth.fact(),
                  categories[synth.random().nextInt(categories.length)],
                  null,
                  0.5 + synth.random().nextDouble() / 2,
                  Provenance.observed(List.of(new SourceRef("seed-" + i, "s" + (i % 20), at))),
                  at,
                  at)
              .withEmbedding(new Embedding(LocalEmbedder.MODEL_ID, synth.unitVector(384)));
      out.add(m);
    }
    return out;
  }
}
