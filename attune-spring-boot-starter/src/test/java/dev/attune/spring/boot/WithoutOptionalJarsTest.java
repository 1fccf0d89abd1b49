package dev.attune.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The starter in an application whose class path really lacks Boot's health module, Actuator and
 * Micrometer's core: the jars are left out of a child JVM's class path, so any reference to their
 * classes fails as it does in a user's application ({@code FilteredClassLoader} only hides a class
 * from lookups made through it; Spring's own reflection on a configuration class still finds it, so
 * {@link OptionalModulesTest} alone would not have caught the starter failing without Actuator).
 */
class WithoutOptionalJarsTest {
  /** What the README has a user add: the starter and Spring AI's OpenAI starter, no Actuator. */
  private static final Predicate<String> NO_HEALTH_NOR_ACTUATOR =
      Pattern.compile("/(spring-boot-health|spring-boot-actuator[^/]*)-[0-9][^/]*\\.jar$")
          .asPredicate();

  /**
   * Nor Micrometer: Spring AI's OpenAI model needs Micrometer itself, so it leaves with it (the
   * starter's advisor and engine do not need a chat model to start).
   */
  private static final Predicate<String> NOR_MICROMETER =
      NO_HEALTH_NOR_ACTUATOR.or(
          Pattern.compile("/(micrometer-core|spring-ai-[^/]*openai[^/]*)-[0-9][^/]*\\.jar$")
              .asPredicate());

  @Test
  void theEmbeddedEngineStartsWithoutTheHealthModuleOrActuator(@TempDir Path data)
      throws Exception {
    List<String> beans = runIsolated(NO_HEALTH_NOR_ACTUATOR, "embedded", data);

    assertThat(beans)
        .contains(
            "attune", "attuneMemory", "attuneAdvisor", "attuneEngineMetrics", "openAiChatModel");
    assertThat(beans).doesNotContain("attuneHealthIndicator");
  }

  @Test
  void theRemoteClientStartsWithoutTheHealthModuleOrActuator(@TempDir Path data) throws Exception {
    List<String> beans = runIsolated(NO_HEALTH_NOR_ACTUATOR, "remote", data);

    assertThat(beans).contains("attuneClient", "attuneMemory", "attuneAdvisor");
    assertThat(beans).doesNotContain("attune", "attuneHealthIndicator");
  }

  @Test
  void theEmbeddedEngineStartsWithoutMicrometerEither(@TempDir Path data) throws Exception {
    List<String> beans = runIsolated(NOR_MICROMETER, "embedded", data);

    assertThat(beans).contains("attune", "attuneMemory", "attuneAdvisor");
    assertThat(beans).doesNotContain("attuneHealthIndicator", "attuneEngineMetrics");
  }

  /**
   * Runs {@link IsolatedApplication} in a JVM of its own whose class path lacks the jars {@code
   * leftOut} names (a JVM, not a class loader: the embedding model's native library loads once per
   * JVM) and returns its beans' names.
   */
  static List<String> runIsolated(Predicate<String> leftOut, String mode, Path data)
      throws Exception {
    List<String> kept = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      (leftOut.test(entry.replace(File.separatorChar, '/')) ? dropped : kept).add(entry);
    }
    assertThat(dropped).as("jars left out of the class path").isNotEmpty();
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process process =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                String.join(File.pathSeparator, kept),
                IsolatedApplication.class.getName(),
                mode,
                data.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("the health module is absent");
    return output
        .lines()
        .filter(l -> l.startsWith(IsolatedApplication.BEAN))
        .map(l -> l.substring(IsolatedApplication.BEAN.length()))
        .toList();
  }
}
