package dev.attune.bench.locomo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocomoTest {
  static final Set<String> TURNS =
      Set.of("D1:1", "D1:2", "D8:6", "D9:17", "D11:26", "D30:5", "D9:1", "D4:4");

  @Test
  void malformedEvidenceIsNormalizedAndUnknownIdsDropped() {
    assertThat(Locomo.normalize(List.of("D8:6; D9:17"), TURNS)).containsExactly("D8:6", "D9:17");
    assertThat(Locomo.normalize(List.of("D:11:26"), TURNS)).containsExactly("D11:26");
    assertThat(Locomo.normalize(List.of("D30:05"), TURNS)).containsExactly("D30:5");
    assertThat(Locomo.normalize(List.of("D9:1 D4:4 D4:6"), TURNS)).containsExactly("D9:1", "D4:4");
    assertThat(Locomo.normalize(List.of("D"), TURNS)).isEmpty();
    assertThat(Locomo.normalize(List.of("D1:1", "D1:1"), TURNS)).containsExactly("D1:1");
  }
}
