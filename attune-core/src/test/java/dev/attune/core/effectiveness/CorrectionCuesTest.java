package dev.attune.core.effectiveness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CorrectionCuesTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "No, I'm not vegetarian any more.",
        "that's wrong, I live in Porto now",
        "I don't eat meat anymore",
        "Actually, I moved last year.",
        "I no longer work there.",
        "You're mistaken: my sister is called Ana.",
        "I never said I liked jazz."
      })
  void settingSomethingRightIsACorrection(String message) {
    assertThat(CorrectionCues.correcting(message)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "I moved to Porto.",
        "Now I work at a bank.",
        "I know nothing about wine.",
        "Notably, the train was late.",
        "Is there any more coffee?"
      })
  void newsIsNotACorrection(String message) {
    assertThat(CorrectionCues.correcting(message)).isFalse();
  }
}
