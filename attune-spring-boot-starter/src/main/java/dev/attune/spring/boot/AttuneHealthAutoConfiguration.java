package dev.attune.spring.boot;

import dev.attune.client.AttuneClient;
import dev.attune.core.Attune;
import dev.attune.core.model.TenantId;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A health indicator named {@code attuneHealthIndicator}, when Boot's health module ({@code
 * spring-boot-health}, brought by Actuator) is on the class path: the embedded engine's embedding
 * model and active memories, or the remote service's version. Guarded by class name so that the
 * class is never introspected without the module.
 */
@AutoConfiguration(after = AttuneAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
public class AttuneHealthAutoConfiguration {

  /** The embedded engine's health. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean(Attune.class)
  static class Embedded {
    @Bean
    @ConditionalOnMissingBean(name = "attuneHealthIndicator")
    HealthIndicator attuneHealthIndicator(Attune attune, AttuneProperties properties) {
      return () -> {
        try {
          long memories = attune.countActiveMemories(TenantId.of(properties.tenantOrDefault()));
          var backlog = attune.observationBacklog();
          return Health.up()
              .withDetail("mode", "embedded")
              .withDetail("embedding_model", attune.embeddingModel())
              .withDetail("active_memories", memories)
              .withDetail("learning_backlog", backlog.observations())
              .withDetail("learning_lag_seconds", backlog.lagSeconds(java.time.Instant.now()))
              .build();
        } catch (RuntimeException e) {
          return Health.down(e).withDetail("mode", "embedded").build();
        }
      };
    }
  }

  /** The remote service's health. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean(AttuneClient.class)
  static class Remote {
    @Bean
    @ConditionalOnMissingBean(name = "attuneHealthIndicator")
    HealthIndicator attuneHealthIndicator(AttuneClient client, AttuneProperties properties) {
      return () -> {
        try {
          var health = client.health();
          Health.Builder up =
              Health.up()
                  .withDetail("mode", "remote")
                  .withDetail("url", properties.baseUrl())
                  .withDetail("version", health.version());
          if (health.learning() != null) { // a server older than the learning detail has none
            up.withDetail("learning_backlog", health.learning().backlog())
                .withDetail("learning_lag_seconds", health.learning().lagSeconds());
          }
          return up.build();
        } catch (RuntimeException e) {
          return Health.down(e)
              .withDetail("mode", "remote")
              .withDetail("url", properties.baseUrl())
              .build();
        }
      };
    }
  }
}
