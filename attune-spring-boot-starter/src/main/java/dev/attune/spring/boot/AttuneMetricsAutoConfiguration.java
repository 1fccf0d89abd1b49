package dev.attune.spring.boot;

import dev.attune.core.port.EngineMetrics;
import dev.attune.metrics.MicrometerEngineMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The embedded engine's metrics in the application's Micrometer registry, when Micrometer is on the
 * class path (a bean named {@code attuneEngineMetrics}; without a registry bean, no-op). Guarded by
 * class name so that the class is never introspected without Micrometer; the engine reads the bean
 * through an {@code ObjectProvider}, so without it the engine simply has no meters.
 */
@AutoConfiguration(
    before = AttuneAutoConfiguration.class,
    afterName =
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
public class AttuneMetricsAutoConfiguration {
  @Bean
  @ConditionalOnMissingBean
  EngineMetrics attuneEngineMetrics(ObjectProvider<MeterRegistry> registry) {
    MeterRegistry r = registry.getIfAvailable();
    return r == null ? new EngineMetrics() {} : new MicrometerEngineMetrics(r);
  }
}
