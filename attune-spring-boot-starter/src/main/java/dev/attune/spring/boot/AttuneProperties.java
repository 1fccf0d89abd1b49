package dev.attune.spring.boot;

import dev.attune.client.AttuneClient;
import dev.attune.core.model.AttuneException;
import dev.attune.core.model.Limits;
import dev.attune.core.model.TenantId;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code attune.*}: where Attune runs and how the ChatClient advisor uses it.
 *
 * @param baseUrl a remote Attune service (e.g. {@code http://attune:8080}); when set, the starter
 *     talks to it with {@code apiKey} instead of embedding an engine
 * @param apiKey the service key for {@code baseUrl} (role {@code service})
 * @param timeout how long a call to the remote service may take (default 10 s)
 * @param dataDir the embedded engine's data directory (default {@code ./attune-data})
 * @param tenant the embedded engine's tenant (default {@code default}); a remote service takes the
 *     key's
 * @param maxTokens the context budget per call, tokens (default Attune's, 1,000)
 * @param advisor {@code default-enabled}: add the advisor to every {@code ChatClient} the
 *     application builds from Spring AI's builder (default true)
 */
@ConfigurationProperties("attune")
public record AttuneProperties(
    @Nullable String baseUrl,
    @Nullable String apiKey,
    @Nullable Duration timeout,
    @Nullable Path dataDir,
    @Nullable String tenant,
    @Nullable Integer maxTokens,
    @Nullable Advisor advisor) {

  /**
   * Checked when the properties are bound, so a wrong value stops the application at start-up with
   * a message naming the property, not at the first chat.
   */
  public AttuneProperties {
    if (baseUrl != null && !baseUrl.isBlank()) {
      try {
        AttuneClient.builder().baseUrl(baseUrl.strip()); // the client's own check, at start-up
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("attune.base-url: " + e.getMessage());
      }
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("attune.timeout must be positive; got " + timeout);
    }
    if (tenant != null && !tenant.isBlank()) {
      try {
        TenantId.of(tenant);
      } catch (AttuneException e) {
        // The message says what a tenant id may hold; the cause would only repeat it.
        throw new IllegalArgumentException("attune.tenant: " + e.getMessage());
      }
    }
    if (maxTokens != null && (maxTokens < 1 || maxTokens > Limits.MAX_BUDGET_TOKENS)) {
      throw new IllegalArgumentException(
          "attune.max-tokens must be within 1.." + Limits.MAX_BUDGET_TOKENS + "; got " + maxTokens);
    }
  }

  /** {@code attune.advisor.*}. */
  public record Advisor(@Nullable Boolean defaultEnabled) {}

  boolean remote() {
    return baseUrl != null && !baseUrl.isBlank();
  }

  Path dataDirOrDefault() {
    return dataDir == null ? Path.of("attune-data") : dataDir;
  }

  String tenantOrDefault() {
    return tenant == null || tenant.isBlank() ? "default" : tenant;
  }

  Duration timeoutOrDefault() {
    return timeout == null ? Duration.ofSeconds(10) : timeout;
  }
}
