package dev.attune.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.client.AttuneClient;
import dev.attune.connect.AttuneMemory;
import dev.attune.core.Attune;
import dev.attune.core.port.EngineMetrics;
import dev.attune.spring.ai.AttuneAdvisor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The starter's beans under each class-path combination, with {@code FilteredClassLoader} hiding
 * Boot's health module, Micrometer and Actuator one at a time and together: the context starts, the
 * beans that need a hidden module are absent and the others present, and a wrong {@code attune.*}
 * value still stops start-up naming the property. ({@link WithoutOptionalJarsTest} removes the jars
 * for real.)
 */
class OptionalModulesTest {
  private static final String HEALTH = "org.springframework.boot.health";
  private static final String MICROMETER = "io.micrometer.core";
  private static final String ACTUATOR = "org.springframework.boot.actuate";

  record Hidden(String name, List<String> packages) {
    boolean health() {
      return packages.contains(HEALTH);
    }

    boolean micrometer() {
      return packages.contains(MICROMETER);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static List<Hidden> combinations() {
    return List.of(
        new Hidden("nothing hidden", List.of()),
        new Hidden("no health module", List.of(HEALTH)),
        new Hidden("no Micrometer", List.of(MICROMETER)),
        new Hidden("no Actuator", List.of(ACTUATOR)),
        new Hidden("none of the three", List.of(HEALTH, MICROMETER, ACTUATOR)));
  }

  @TempDir Path data;

  private ApplicationContextRunner runner(Hidden hidden) {
    return new ApplicationContextRunner()
        .withClassLoader(new FilteredClassLoader(hidden.packages().toArray(String[]::new)))
        .withConfiguration(
            AutoConfigurations.of(
                AttuneMetricsAutoConfiguration.class,
                AttuneAutoConfiguration.class,
                AttuneHealthAutoConfiguration.class))
        .withPropertyValues("attune.tenant=shop");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("combinations")
  void theEmbeddedEngineStartsWithOnlyTheBeansItsClassPathAllows(Hidden hidden) {
    runner(hidden)
        .withPropertyValues("attune.data-dir=" + data)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context)
                  .hasSingleBean(Attune.class)
                  .hasSingleBean(AttuneMemory.class)
                  .hasSingleBean(AttuneAdvisor.class)
                  .doesNotHaveBean(AttuneClient.class);
              assertThat(context.containsBean("attuneHealthIndicator")).isEqualTo(!hidden.health());
              assertThat(context.getBeansOfType(EngineMetrics.class))
                  .hasSize(hidden.micrometer() ? 0 : 1);
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("combinations")
  void theRemoteClientStartsWithOnlyTheBeansItsClassPathAllows(Hidden hidden) {
    runner(hidden)
        .withPropertyValues("attune.base-url=http://127.0.0.1:9", "attune.api-key=atn_test")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context)
                  .hasSingleBean(AttuneClient.class)
                  .hasSingleBean(AttuneMemory.class)
                  .hasSingleBean(AttuneAdvisor.class)
                  .doesNotHaveBean(Attune.class);
              assertThat(context.containsBean("attuneHealthIndicator")).isEqualTo(!hidden.health());
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("combinations")
  void aWrongPropertyStillStopsStartUpNamingIt(Hidden hidden) {
    Map.of(
            "attune.max-tokens", "-5",
            "attune.timeout", "-1s",
            "attune.tenant", "not a tenant!",
            "attune.base-url", "ftp://attune")
        .forEach(
            (property, value) ->
                runner(hidden)
                    .withPropertyValues("attune.data-dir=" + data, property + "=" + value)
                    .run(
                        context -> {
                          assertThat(context).as(property).hasFailed();
                          Throwable root = context.getStartupFailure();
                          while (root.getCause() != null) {
                            root = root.getCause();
                          }
                          assertThat(root)
                              .as(property)
                              .isInstanceOf(IllegalArgumentException.class);
                          assertThat(root.getMessage()).as(property).startsWith(property);
                        }));
  }
}
