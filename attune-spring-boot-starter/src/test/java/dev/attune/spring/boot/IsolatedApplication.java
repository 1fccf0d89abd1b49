package dev.attune.spring.boot;

import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * A minimal application (auto-configuration only, as a user's {@code @SpringBootApplication} would
 * have), started by {@link WithoutOptionalJarsTest} in a JVM whose class path that lacks the
 * starter's optional modules.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class IsolatedApplication {
  /** The prefix of each line of {@link #main}'s output that names a bean. */
  static final String BEAN = "bean: ";

  /** {@code mode dataDir}: starts the application, prints its beans, and stops. */
  public static void main(String[] args) {
    try {
      Class.forName("org.springframework.boot.health.contributor.HealthIndicator");
    } catch (ClassNotFoundException expected) {
      System.out.println("the health module is absent");
    }
    beanNames(args[0], args[1]).forEach(name -> System.out.println(BEAN + name));
  }

  /** Starts the application in {@code mode} ("embedded" or "remote") and lists its beans. */
  public static List<String> beanNames(String mode, String dataDir) {
    Map<String, Object> properties =
        new java.util.HashMap<>(
            Map.of(
                "spring.main.web-application-type", "none",
                "spring.main.banner-mode", "off",
                "spring.ai.openai.base-url", "http://127.0.0.1:9",
                "spring.ai.openai.api-key", "sk-test",
                "attune.tenant", "shop"));
    if (mode.equals("remote")) {
      properties.put("attune.base-url", "http://127.0.0.1:9");
      properties.put("attune.api-key", "atn_test");
    } else {
      properties.put("attune.data-dir", dataDir);
    }
    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(IsolatedApplication.class).properties(properties).run()) {
      return List.of(context.getBeanDefinitionNames());
    }
  }
}
