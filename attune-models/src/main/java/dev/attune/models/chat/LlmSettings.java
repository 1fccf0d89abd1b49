package dev.attune.models.chat;

import dev.attune.core.model.InvalidRequestException;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Which chat model Attune uses to extract facts, judge close calls and write summaries. With
 * provider {@code none} (the default) everything stays offline and rule-based.
 *
 * @param provider {@code none}, {@code openai} (any OpenAI-compatible endpoint: OpenAI, Ollama,
 *     vLLM, LM Studio) or {@code anthropic}
 * @param baseUrl the API root, e.g. {@code http://localhost:11434/v1} for Ollama; the provider's
 *     public endpoint when null
 * @param model the model name, e.g. {@code gpt-4o-mini}; required with a provider
 * @param apiKey the key; required for Anthropic, optional for local OpenAI-compatible servers
 * @param timeout how long one call may take
 * @param maxAttempts calls per request before the batch is given back to the buffer (invalid
 *     output, rate limits, timeouts and server errors each use one)
 * @param maxRetryWait the longest {@code Retry-After} that is waited out inside one request; a
 *     longer one gives the batch back to the buffer at once
 */
public record LlmSettings(
    Provider provider,
    @Nullable URI baseUrl,
    @Nullable String model,
    @Nullable String apiKey,
    Duration timeout,
    int maxAttempts,
    Duration maxRetryWait) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final Duration DEFAULT_MAX_RETRY_WAIT = Duration.ofSeconds(30);

  /** The chat model API spoken. */
  public enum Provider {
    NONE,
    OPENAI,
    ANTHROPIC;

    /** Parses {@code none}, {@code openai} or {@code anthropic} (any case). */
    public static Provider parse(String value) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException(
            "llm_provider", "llm_provider must be none, openai or anthropic; got '" + value + "'");
      }
    }

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public LlmSettings {
    if (provider == null) {
      provider = Provider.NONE;
    }
    if (timeout == null) {
      timeout = DEFAULT_TIMEOUT;
    }
    if (maxRetryWait == null) {
      maxRetryWait = DEFAULT_MAX_RETRY_WAIT;
    }
    if (model != null && model.isBlank()) {
      model = null;
    }
    if (apiKey != null && apiKey.isBlank()) {
      apiKey = null;
    }
    if (timeout.compareTo(Duration.ofMillis(100)) < 0
        || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new InvalidRequestException(
          "llm_timeout_ms", "llm_timeout_ms must be within 100..600000; got " + timeout.toMillis());
    }
    if (maxAttempts < 1 || maxAttempts > 10) {
      throw new InvalidRequestException(
          "llm_max_attempts", "llm_max_attempts must be within 1..10; got " + maxAttempts);
    }
    if (maxRetryWait.isNegative() || maxRetryWait.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new InvalidRequestException(
          "llm_max_retry_wait_ms",
          "llm_max_retry_wait_ms must be within 0..600000; got " + maxRetryWait.toMillis());
    }
    if (baseUrl != null) {
      String scheme = baseUrl.getScheme();
      if (baseUrl.getHost() == null
          || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
        throw new InvalidRequestException(
            "llm_base_url", "llm_base_url must be an http(s) URL; got '" + baseUrl + "'");
      }
    }
    if (provider != Provider.NONE && model == null) {
      throw new InvalidRequestException(
          "llm_model", "llm_model is required when llm_provider is " + provider.wireName());
    }
    if (provider == Provider.ANTHROPIC && apiKey == null) {
      throw new InvalidRequestException(
          "llm_api_key", "llm_api_key is required when llm_provider is anthropic");
    }
  }

  /** No model: offline extraction, rule-based consolidation, extractive summaries. */
  public static LlmSettings none() {
    return new LlmSettings(
        Provider.NONE, null, null, null, DEFAULT_TIMEOUT, DEFAULT_MAX_ATTEMPTS, null);
  }

  /** A provider and model with the default timeout and attempts. */
  public static LlmSettings of(
      Provider provider, @Nullable URI baseUrl, String model, @Nullable String apiKey) {
    return new LlmSettings(
        provider, baseUrl, model, apiKey, DEFAULT_TIMEOUT, DEFAULT_MAX_ATTEMPTS, null);
  }

  public boolean enabled() {
    return provider != Provider.NONE;
  }

  /** The base URL used: the configured one, or the provider's public API. */
  public String effectiveBaseUrl() {
    if (baseUrl != null) {
      return baseUrl.toString();
    }
    return switch (provider) {
      case OPENAI -> "https://api.openai.com/v1";
      case ANTHROPIC -> "https://api.anthropic.com/v1";
      case NONE -> throw new IllegalStateException("no provider");
    };
  }

  /** Names the model in history entries and usage, e.g. {@code openai:gpt-4o-mini}. */
  public String id() {
    return provider.wireName() + (model == null ? "" : ":" + model);
  }

  /** Never prints the key. */
  @Override
  public String toString() {
    return "LlmSettings[" + id() + " at " + (enabled() ? effectiveBaseUrl() : "-") + "]";
  }
}
