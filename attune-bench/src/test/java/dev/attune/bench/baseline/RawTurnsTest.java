package dev.attune.bench.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RawTurnsTest {
  @Test
  void recallCountsOnlyStrictItemsWhenAsked() {
    List<Ranked> items =
        List.of(
            new Ranked(Set.of("D1:1"), 10), new Ranked(Set.of("D1:2", "D1:3", "D1:4", "D1:5"), 40));
    assertThat(Ranked.recall(List.of("D1:1", "D1:2"), items, false)).isEqualTo(1.0);
    assertThat(Ranked.recall(List.of("D1:1", "D1:2"), items, true)).isEqualTo(0.5);
    assertThat(Ranked.recall(List.of("D9:9"), items, false)).isZero();
  }

  @Test
  void reciprocalRankFusionRewardsAgreement() {
    assertThat(RawTurns.rrf(List.of("a", "b", "c"), List.of("c", "b", "d"), 10))
        .startsWith("c", "b");
    assertThat(RawTurns.rrf(List.of("a", "b", "c"), List.of("c", "b", "d"), 2)).hasSize(2);
  }

  @Test
  void aBudgetPassesOverATurnThatDoesNotFitAndTakesTheNextThatDoes() {
    List<Ranked> ranked =
        List.of(Ranked.turn("a", 50), Ranked.turn("b", 200), Ranked.turn("c", 40));
    assertThat(RawTurns.fill(ranked, 100)).extracting(Ranked::tokens).containsExactly(50, 40);
    assertThat(RawTurns.fill(ranked, 10)).isEmpty();
  }
}
