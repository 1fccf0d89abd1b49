package dev.attune.core.learning;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PhrasingTest {
  @Test
  void conjugatesFirstPersonVerbs() {
    assertThat(Phrasing.conjugate("love")).isEqualTo("loves");
    assertThat(Phrasing.conjugate("watch")).isEqualTo("watches");
    assertThat(Phrasing.conjugate("study")).isEqualTo("studies");
    assertThat(Phrasing.conjugate("went")).isEqualTo("went");
    assertThat(Phrasing.conjugate("do")).isEqualTo("does");
  }

  @Test
  void leavesContractionsAndGluedPunctuationIntact() {
    assertThat(Phrasing.conjugate("haven't")).isEqualTo("hasn't");
    assertThat(Phrasing.conjugate("couldn't")).isEqualTo("couldn't");
    assertThat(Phrasing.conjugate("didn\u2019t")).isEqualTo("didn't");
    assertThat(Phrasing.conjugate("don't")).isEqualTo("doesn't");
    assertThat(Phrasing.conjugate("do\u2014")).isEqualTo("does\u2014");
    assertThat(Phrasing.conjugate("love,")).isEqualTo("loves,");
    assertThat(Phrasing.conjugate("...")).isEqualTo("...");
  }
}
