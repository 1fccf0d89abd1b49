package dev.attune.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.server.cli.AttuneCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SettingsTest {
  @Test
  void theReadmeTableIsTheSettingsAsDeclared() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    assertThat(readme)
        .as("README.md's configuration table must read exactly:%n%s", Settings.markdownTable())
        .contains(Settings.markdownTable());
  }

  @Test
  void serveHasAnOptionForEverySettingWithAFlagAndNoneForSecrets() {
    StringWriter out = new StringWriter();
    AttuneCli.run(
        new String[] {"serve", "--help"}, new PrintWriter(out, true), new PrintWriter(out, true));
    for (Settings.Setting s : Settings.ALL) {
      if (s.flag() != null) {
        assertThat(out.toString()).as(s.key()).contains(s.flag());
      }
    }
    assertThat(out.toString()).doesNotContain("--master-key ").doesNotContain("--llm-api-key");
  }

  @Test
  void everyDefaultPassesItsOwnCheck() {
    for (Settings.Setting s : Settings.ALL) {
      assertThat(s.check().accepts(s.defaultValue())).as(s.key()).isTrue();
    }
  }
}
