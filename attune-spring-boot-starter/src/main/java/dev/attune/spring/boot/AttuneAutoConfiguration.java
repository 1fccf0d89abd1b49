package dev.attune.spring.boot;

import dev.attune.client.AttuneClient;
import dev.attune.connect.AttuneMemory;
import dev.attune.core.Attune;
import dev.attune.core.model.TenantId;
import dev.attune.core.port.EngineMetrics;
import dev.attune.spring.ai.AttuneAdvisor;
import org.springframework.ai.chat.client.ChatClientCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
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
 * added to every {@code ChatClient} built from Spring AI's builder. Every bean backs off when the
 * application declares its own.
 *
 * <p>Nothing here names a class of an optional module: the health indicator ({@link
 * AttuneHealthAutoConfiguration}) and the engine's meters ({@link AttuneMetricsAutoConfiguration})
 * have auto-configurations of their own, guarded by class name, so an application without Boot's
 * health module, Actuator or Micrometer starts (Spring introspects every method of a configuration
 * class, and a missing return type fails the whole class).
 */
@AutoConfiguration
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
