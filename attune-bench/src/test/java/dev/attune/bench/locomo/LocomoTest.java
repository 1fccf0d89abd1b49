package dev.attune.bench.locomo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @TempDir Path dir;

  /** A file that is not LoCoMo's: an error naming the file, the place and what is wrong. */
  @Test
  void aFileInAnotherShapeIsAnErrorThatSaysWhere() throws Exception {
    assertThatThrownBy(() -> Locomo.read(dir.resolve("none.json")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--dataset")
        .hasMessageContaining("does not exist");
    Path text = Files.writeString(dir.resolve("text.json"), "root:x:0:0:root:/root:/bin/bash");
    assertThatThrownBy(() -> Locomo.read(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not valid JSON")
        .hasMessageContaining("line 1");
    Path object = Files.writeString(dir.resolve("object.json"), "{}");
    assertThatThrownBy(() -> Locomo.read(object))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a JSON list of conversations");
    Path empty = Files.writeString(dir.resolve("empty.json"), "[{}]");
    assertThatThrownBy(() -> Locomo.read(empty))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("empty.json, conversation 0: missing field 'conversation'");
    String session =
        "\"speaker_a\": \"A\", \"speaker_b\": \"B\", \"session_1_date_time\": \"%s\","
            + " \"session_1\": [{%s\"speaker\": \"A\", \"text\": \"hi\"}]";
    Path noId =
        Files.writeString(
            dir.resolve("noid.json"),
            "[{\"conversation\": {"
                + session.formatted("1:56 pm on 8 May, 2023", "")
                + "}, \"qa\": []}]");
    assertThatThrownBy(() -> Locomo.read(noId))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("noid.json, conversation 0, session_1 turn 0: missing field 'dia_id'");
    Path badDate =
        Files.writeString(
            dir.resolve("date.json"),
            "[{\"conversation\": {"
                + session.formatted("yesterday", "\"dia_id\": \"D1:1\", ")
                + "}, \"qa\": []}]");
    assertThatThrownBy(() -> Locomo.read(badDate))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("date.json, conversation 0")
        .hasMessageContaining("'yesterday'");
    Path noCategory =
        Files.writeString(
            dir.resolve("qa.json"),
            "[{\"conversation\": {"
                + session.formatted("1:56 pm on 8 May, 2023", "\"dia_id\": \"D1:1\", ")
                + "}, \"qa\": [{\"question\": \"Who?\", \"category\": \"one\"}]}]");
    assertThatThrownBy(() -> Locomo.read(noCategory))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "qa.json, conversation 0, question 0: field 'category' must be a number; got \"one\"");
  }
}
