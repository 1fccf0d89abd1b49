package dev.attune.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecallFloorTest {
  @TempDir Path dir;

  private Path file(String json) throws Exception {
    return Files.writeString(Files.createTempFile(dir, "floor", ".json"), json);
  }

  @Test
  void aFloorFileIsReadWhole() throws Exception {
    RecallFloor f =
        RecallFloor.read(
            file(
                "{\"conversations\": 2, \"recall_at_10\": 0.83,"
                    + " \"recall_at_budget\": {\"1000\": 0.83, \"250\": 0.5}}"),
            "conversations",
            true);
    assertThat(f.scope()).isEqualTo(2);
    assertThat(f.recallAt10()).isEqualTo(0.83);
    assertThat(f.byBudget()).isEqualTo(Map.of(1000, 0.83, 250, 0.5));
  }

  /** The repository's own floors, as CI reads them. */
  @Test
  void theRepositoryFloorsAreValid() throws Exception {
    Path eval = Path.of("..", "eval");
    assertThat(RecallFloor.read(eval.resolve("locomo-floor.json"), "conversations", true).scope())
        .isEqualTo(2);
    for (String name : new String[] {"prefeval-floor.json", "heldout-floor.json"}) {
      assertThat(RecallFloor.read(eval.resolve(name), "users", false).byBudget()).isNotEmpty();
    }
  }

  /** Each way a floor file can be broken: an error naming the file and the field, never a pass. */
  @Test
  void aBrokenFloorFileIsAnErrorNamingTheField() throws Exception {
    assertThatThrownBy(() -> RecallFloor.read(dir.resolve("none.json"), "users", false))
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> RecallFloor.read(file("{"), "users", false))
        .hasMessageContaining("is not valid JSON");
    assertThatThrownBy(
            () -> RecallFloor.read(file("{\"recall_at_budget\": {\"300\": 0.9}}"), "users", false))
        .hasMessageEndingWith("missing field 'users'");
    assertThatThrownBy(
            () ->
                RecallFloor.read(
                    file("{\"users\": \"20\", \"recall_at_budget\": {\"300\": 0.9}}"),
                    "users",
                    false))
        .hasMessageEndingWith("field 'users' must be a number; got \"20\"");
    assertThatThrownBy(
            () ->
                RecallFloor.read(
                    file("{\"users\": 0, \"recall_at_budget\": {\"300\": 0.9}}"), "users", false))
        .hasMessageContaining("'users' must be a whole number >= 1");
    assertThatThrownBy(() -> RecallFloor.read(file("{\"users\": 20}"), "users", false))
        .hasMessageEndingWith("missing field 'recall_at_budget'");
    assertThatThrownBy(
            () ->
                RecallFloor.read(file("{\"users\": 20, \"recall_at_budget\": {}}"), "users", false))
        .hasMessageContaining("must map token budgets to floors");
    assertThatThrownBy(
            () ->
                RecallFloor.read(
                    file("{\"users\": 20, \"recall_at_budget\": {\"many\": 0.9}}"), "users", false))
        .hasMessageContaining("token budgets; got 'many'");
    assertThatThrownBy(
            () ->
                RecallFloor.read(
                    file("{\"users\": 20, \"recall_at_budget\": {\"300\": 90}}"), "users", false))
        .hasMessageContaining("'300' is a recall, within 0..1; got 90.0");
    assertThatThrownBy(
            () ->
                RecallFloor.read(
                    file("{\"conversations\": 2, \"recall_at_budget\": {\"300\": 0.9}}"),
                    "conversations",
                    true))
        .hasMessageEndingWith("missing field 'recall_at_10'");
  }
}
