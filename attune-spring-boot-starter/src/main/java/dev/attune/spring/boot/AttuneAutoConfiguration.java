package dev.attune.spring.boot;

import dev.attune.client.AttuneClient;
import dev.attune.connect.AttuneMemory;
import dev.attune.core.Attune;
import dev.attune.core.model.TenantId;
import dev.attune.core.port.EngineMetrics;
import dev.attune.metrics.MicrometerEngineMetrics;
import dev.attune.spring.ai.AttuneAdvisor;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.ai.chat.client.ChatClientCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Attune from {@code attune.*} properties: an embedded engine over {@code attune.data-dir} (the
 * default; SQLite and the local embedding model, offline), or the remote service at {@code
 * attune.base-url}; the {@link AttuneMemory} both are used through; the {@link AttuneAdvisor},
 * added to every {@code ChatClient} built from Spring AI's builder; a health indicator; the
 * engine's metrics in the application's Micrometer registry. Every bean backs off when the
 * application declares its own.
 */
@AutoConfiguration(
    afterName =
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@EnableConfigurationProperties(AttuneProperties.class)
public class AttuneAutoConfiguration {

  /** The embedded engine (no {@code attune.base-url}). */
  @Configuration(proxyBeanMethods = false)
  @Conditional(Embedded.NoBaseUrl.class)
  static class Embedded {
    /** True when {@code attune.base-url} is not set (or blank). */
    static final class NoBaseUrl implements Condition {
      @Override
      public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        String url = context.getEnvironment().getProperty("attune.base-url");
        return url == null || url.isBlank();
      }
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    Attune attune(AttuneProperties properties, ObjectProvider<EngineMetrics> metrics) {
      var builder = Attune.builder().dataDir(properties.dataDirOrDefault());
      EngineMetrics m = metrics.getIfAvailable();
      if (m != null) {
        builder.metrics(m);
      }
      return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    AttuneMemory attuneMemory(Attune attune, AttuneProperties properties) {
      return AttuneMemory.embedded(attune, TenantId.of(properties.tenantOrDefault()));
    }

    @Bean
    @ConditionalOnMissingBean(name = "attuneHealthIndicator")
    @ConditionalOnClass(HealthIndicator.class)
    HealthIndicator attuneHealthIndicator(Attune attune, AttuneProperties properties) {
      return () -> {
        try {
          long memories = attune.countActiveMemories(TenantId.of(properties.tenantOrDefault()));
          return Health.up()
              .withDetail("mode", "embedded")
              .withDetail("embedding_model", attune.embeddingModel())
              .withDetail("active_memories", memories)
              .build();
        } catch (RuntimeException e) {
          return Health.down(e).withDetail("mode", "embedded").build();
        }
      };
    }
  }

  /** The remote service ({@code attune.base-url} set). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(prefix = "attune", name = "base-url")
  static class Remote {
    @Bean
    @ConditionalOnMissingBean
    AttuneClient attuneClient(AttuneProperties properties) {
      if (properties.apiKey() == null || properties.apiKey().isBlank()) {
        throw new IllegalStateException(
            "attune.api-key is required with attune.base-url (a service key of the tenant)");
      }
      return AttuneClient.builder()
          .baseUrl(properties.baseUrl())
          .apiKey(properties.apiKey())
          .timeout(properties.timeoutOrDefault())
          .build();
    }

    @Bean
    @ConditionalOnMissingBean
    AttuneMemory attuneMemory(AttuneClient client) {
      return AttuneMemory.remote(client);
    }

    @Bean
    @ConditionalOnMissingBean(name = "attuneHealthIndicator")
    @ConditionalOnClass(HealthIndicator.class)
    HealthIndicator attuneHealthIndicator(AttuneClient client, AttuneProperties properties) {
      return () -> {
        try {
          var health = client.health();
          return Health.up()
              .withDetail("mode", "remote")
              .withDetail("url", properties.baseUrl())
              .withDetail("version", health.version())
              .build();
        } catch (RuntimeException e) {
          return Health.down(e)
              .withDetail("mode", "remote")
              .withDetail("url", properties.baseUrl())
              .build();
        }
      };
    }
  }

  /** The engine's metrics in the application's registry, when it has one. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  static class Metrics {
    @Bean
    @ConditionalOnMissingBean
    EngineMetrics attuneEngineMetrics(ObjectProvider<MeterRegistry> registry) {
      MeterRegistry r = registry.getIfAvailable();
      return r == null ? new EngineMetrics() {} : new MicrometerEngineMetrics(r);
    }
  }

  @Bean
  @ConditionalOnMissingBean
  AttuneAdvisor attuneAdvisor(AttuneMemory memory, AttuneProperties properties) {
    AttuneAdvisor advisor = AttuneAdvisor.of(memory);
    return properties.maxTokens() == null ? advisor : advisor.withMaxTokens(properties.maxTokens());
  }

  /** Every ChatClient built from Spring AI's builder gets the advisor. */
  @Bean
  @ConditionalOnBooleanProperty(name = "attune.advisor.default-enabled", matchIfMissing = true)
  ChatClientCustomizer attuneChatClientCustomizer(AttuneAdvisor advisor) {
    return builder -> builder.defaultAdvisors(advisor);
  }
}
