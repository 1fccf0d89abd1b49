package dev.attune.core.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.core.api.ContextBlock;
import dev.attune.core.api.ContextPack;
import dev.attune.core.api.ContextRequest;
import dev.attune.core.api.Priorities;
import dev.attune.core.model.BlockType;
import dev.attune.core.model.Category;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.OrgProfile;
import dev.attune.core.model.Provenance;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.model.UserProfile;
import dev.attune.core.model.UserRecord;
import dev.attune.core.port.TokenCounter;
import dev.attune.core.retrieval.WorkingSet;
import dev.attune.core.tokens.TokenCounters;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContextAssemblerTest {
  static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
  final TokenCounter tokens = TokenCounters.cl100k();
  final ContextAssembler assembler =
      new ContextAssembler(tokens, Priorities.defaults(), AssemblyPolicy.defaults());
  final UserId user = UserId.of("u");

  WorkingSet workingSet() {
    List<Memory> memories = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      memories.add(
          memory("The user prefers option number " + i + " for lunch", Category.PREFERENCE));
      memories.add(memory("The user went to event number " + i + " in the city", Category.EVENT));
    }
    UserProfile profile =
        new UserProfile("Ann", "Nurse", "expert", null, null, List.of(), Map.of());
    return WorkingSet.build(
        new UserRecord(user, null, profile, NOW, NOW), memories, List.of(), null);
  }

  Memory memory(String text, Category category) {
    return Memory.create(
        MemoryId.random(), user, text, category, null, 0.8, Provenance.explicit(), NOW, NOW);
  }

  OrgProfile org() {
    return new OrgProfile(
        "Clinic",
        "health",
        Map.of(),
        List.of("Never diagnose.", "Refer emergencies to 112."),
        List.of());
  }

  ContextPack pack(int budget) {
    ContextRequest request =
        ContextRequest.builder(TenantId.of("t"), user).maxTokens(budget).build();
    return assembler.assemble(workingSet(), org(), request, List.of(), budget, false, NOW);
  }

  @Test
  void aGenerousBudgetTakesEverything() {
    ContextPack pack = pack(5000);
    assertThat(pack.blocks())
        .extracting(ContextBlock::type)
        .containsExactly(
            BlockType.COMPLIANCE,
            BlockType.PROFILE,
            BlockType.ORG,
            BlockType.PREFERENCES,
            BlockType.MEMORIES);
    assertThat(pack.blocks().get(3).items()).hasSize(10);
  }

  @Test
  void aShortBudgetTrimsItemsInsideBlocksBeforeDroppingAnyBlock() {
    ContextPack full = pack(5000);
    Map<BlockType, ContextBlock> fullBlocks = new java.util.EnumMap<>(BlockType.class);
    full.blocks().forEach(b -> fullBlocks.put(b.type(), b));
    int preamble = tokens.count(ContextAssembler.PREAMBLE);

    boolean sawTrimmedPackWithAllBlocks = false;
    for (int budget = full.tokens(); budget > 0; budget--) {
      ContextPack pack = pack(budget);
      assertThat(pack.tokens()).isLessThanOrEqualTo(budget);
      List<BlockType> present = pack.blocks().stream().map(ContextBlock::type).toList();
      if (present.size() == fullBlocks.size() && pack.items().count() < full.items().count()) {
        sawTrimmedPackWithAllBlocks = true;
      }
      // A block is missing only if it could not fit even with every higher block cut to one item
      // (the largest, to be safe) and itself cut to its smallest item.
      for (ContextBlock missing : full.blocks()) {
        if (present.contains(missing.type())) {
          continue;
        }
        int need = preamble + header(missing.type()) + minItem(missing);
        for (ContextBlock kept : pack.blocks()) {
          if (kept.priority() > missing.priority()) {
            need += header(kept.type()) + maxItem(fullBlocks.get(kept.type()));
          }
        }
        assertThat(need)
            .as("%s dropped at budget %d", missing.type(), budget)
            .isGreaterThan(budget);
      }
    }
    assertThat(sawTrimmedPackWithAllBlocks).isTrue();
  }

  private int header(BlockType type) {
    return tokens.count("\n### " + type.title() + "\n");
  }

  private static int minItem(ContextBlock block) {
    return block.items().stream().mapToInt(i -> i.tokens()).min().orElseThrow();
  }

  private static int maxItem(ContextBlock block) {
    return block.items().stream().mapToInt(i -> i.tokens()).max().orElseThrow();
  }

  @Test
  void tooSmallABudgetGivesAnEmptyPack() {
    ContextPack pack = pack(10);
    assertThat(pack.isEmpty()).isTrue();
    assertThat(pack.context()).isEmpty();
    assertThat(pack.budget()).isEqualTo(10);
  }

  @Test
  void prioritiesAreConfigurable() {
    ContextAssembler memoriesFirst =
        new ContextAssembler(
            tokens,
            Priorities.defaults().with(Map.of(BlockType.MEMORIES, 150)),
            AssemblyPolicy.defaults());
    ContextRequest request = ContextRequest.builder(TenantId.of("t"), user).build();
    ContextPack pack =
        memoriesFirst.assemble(workingSet(), org(), request, List.of(), 1000, false, NOW);
    assertThat(pack.blocks().get(0).type()).isEqualTo(BlockType.MEMORIES);
    assertThat(pack.blocks().get(0).priority()).isEqualTo(150);
  }
}
