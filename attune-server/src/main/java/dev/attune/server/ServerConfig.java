package dev.attune.server;

import dev.attune.core.ExtractionBuffer;
import dev.attune.core.InvalidRequestException;
import dev.attune.core.model.Category;
import dev.attune.core.retrieval.DecayPolicy;
import dev.attune.core.tokens.TokenCounters;
import dev.attune.models.chat.LlmSettings;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * The service's settings. Each comes from, in order: a command-line flag, an {@code ATTUNE_*}
 * environment variable, the configuration file ({@code --config} or {@code ATTUNE_CONFIG}, Java
 * properties with the keys below), or its default. An invalid value stops start-up with a message
 * naming the setting and where it came from.
 *
 * @param host interface to listen on
 * @param port TCP port (0 picks a free one)
 * @param dataDir data directory
 * @param storeUrl a {@code jdbc:postgresql://} URL for several nodes; null: SQLite in dataDir
 * @param encryption whether users' text is encrypted at rest
 * @param masterKeyFile where the master key is kept; null: {@code master.key} in dataDir (SQLite)
 * @param masterKey the master key itself (base64), from {@code ATTUNE_MASTER_KEY}; never printed
 * @param tokenEncoding {@code cl100k_base} or {@code o200k_base}
 * @param rateLimit requests per second per key (0 turns rate limiting off)
 * @param rateBurst requests a key may make at once before the rate applies
 * @param maxBodyBytes largest request body accepted
 * @param contextTimeoutMs default {@code timeout_ms} of a context request
 * @param cacheBytes memory for cached working sets
 * @param userTokenTtlSeconds default lifetime of a user token (at most a day)
 * @param observeWaitMs how long {@code POST /v1/observe?wait=true} waits before answering 202
 * @param episodeRetention how long episodes are kept ({@link Duration#ZERO}: forever)
 * @param decay how confidence fades with time
 * @param llm the chat model for extraction, consolidation and summaries (provider none: offline)
 * @param extraction how messages are batched for the chat model
 */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    @Nullable String storeUrl,
    boolean encryption,
    @Nullable Path masterKeyFile,
    @Nullable String masterKey,
    String tokenEncoding,
    int rateLimit,
    int rateBurst,
    long maxBodyBytes,
    int contextTimeoutMs,
    long cacheBytes,
    int userTokenTtlSeconds,
    int observeWaitMs,
    Duration episodeRetention,
    DecayPolicy decay,
    LlmSettings llm,
    ExtractionBuffer extraction) {

  /** A setting: its file key, environment variable, flag and default. */
  public record Setting(
      String key, String env, String flag, String defaultValue, String description) {}

  public static final List<Setting> SETTINGS =
      List.of(
          new Setting("host", "ATTUNE_HOST", "--host", "127.0.0.1", "interface to listen on"),
          new Setting("port", "ATTUNE_PORT", "--port", "8080", "TCP port; 0 picks a free one"),
          new Setting("data", "ATTUNE_DATA", "--data", "./attune-data", "data directory"),
          new Setting(
              "store",
              "ATTUNE_STORE_URL",
              "--store",
              "",
              "jdbc:postgresql://host:port/database to share one PostgreSQL between nodes;"
                  + " empty: SQLite in the data directory"),
          new Setting(
              "encryption",
              "ATTUNE_ENCRYPTION",
              "--encryption",
              "on",
              "on: users' text is encrypted at rest (AES-256-GCM, a key per user); off: plaintext"),
          new Setting(
              "master_key_file",
              "ATTUNE_MASTER_KEY_FILE",
              "--master-key-file",
              "",
              "file holding the master key (base64); empty: master.key in the data directory,"
                  + " created on first start (SQLite only)"),
          new Setting(
              "master_key",
              "ATTUNE_MASTER_KEY",
              "",
              "",
              "the master key itself, base64 (environment or file only, never a flag)"),
          new Setting(
              "token_encoding",
              "ATTUNE_TOKEN_ENCODING",
              "--token-encoding",
              "cl100k_base",
              "tokenizer for budgets: cl100k_base or o200k_base"),
          new Setting(
              "rate_limit",
              "ATTUNE_RATE_LIMIT",
              "--rate-limit",
              "1000",
              "requests per second per key; 0 turns rate limiting off"),
          new Setting(
              "rate_burst",
              "ATTUNE_RATE_BURST",
              "--rate-burst",
              "2000",
              "requests a key may make at once before the rate applies"),
          new Setting(
              "max_body_bytes",
              "ATTUNE_MAX_BODY_BYTES",
              "--max-body-bytes",
              "16777216",
              "largest request body, bytes"),
          new Setting(
              "context_timeout_ms",
              "ATTUNE_CONTEXT_TIMEOUT_MS",
              "--context-timeout-ms",
              "100",
              "default timeout_ms of a context request, milliseconds"),
          new Setting(
              "cache_bytes",
              "ATTUNE_CACHE_BYTES",
              "--cache-bytes",
              "536870912",
              "memory for cached working sets, bytes"),
          new Setting(
              "user_token_ttl_seconds",
              "ATTUNE_USER_TOKEN_TTL_SECONDS",
              "--user-token-ttl-seconds",
              "900",
              "default lifetime of a user token, seconds (at most 86400)"),
          new Setting(
              "observe_wait_ms",
              "ATTUNE_OBSERVE_WAIT_MS",
              "--observe-wait-ms",
              "30000",
              "how long observe?wait=true waits before answering 202, milliseconds"),
          new Setting(
              "episode_retention_days",
              "ATTUNE_EPISODE_RETENTION_DAYS",
              "--episode-retention-days",
              "90",
              "days observed messages are kept (from their timestamp); 0 keeps them forever"),
          new Setting(
              "decay_threshold",
              "ATTUNE_DECAY_THRESHOLD",
              "--decay-threshold",
              "0.15",
              "effective confidence below which a memory is not injected; 0 turns it off"),
          new Setting(
              "decay_half_lives",
              "ATTUNE_DECAY_HALF_LIVES",
              "--decay-half-lives",
              "",
              "half-lives in days per category over the defaults, e.g. goal=90,event=180;"
                  + " none turns decay off"),
          new Setting(
              "llm_provider",
              "ATTUNE_LLM_PROVIDER",
              "--llm-provider",
              "none",
              "chat model for extraction: none (offline rules), openai (any OpenAI-compatible"
                  + " endpoint: OpenAI, Ollama, vLLM, LM Studio) or anthropic"),
          new Setting(
              "llm_base_url",
              "ATTUNE_LLM_BASE_URL",
              "--llm-base-url",
              "",
              "API root, e.g. http://localhost:11434/v1 for Ollama; empty: the provider's"
                  + " public API"),
          new Setting(
              "llm_model",
              "ATTUNE_LLM_MODEL",
              "--llm-model",
              "",
              "model name, e.g. gpt-4o-mini; required with a provider"),
          new Setting(
              "llm_api_key",
              "ATTUNE_LLM_API_KEY",
              "",
              "",
              "API key (environment or file only, never a flag); required for anthropic"),
          new Setting(
              "llm_timeout_ms",
              "ATTUNE_LLM_TIMEOUT_MS",
              "--llm-timeout-ms",
              "60000",
              "how long one model call may take, milliseconds"),
          new Setting(
              "llm_max_attempts",
              "ATTUNE_LLM_MAX_ATTEMPTS",
              "--llm-max-attempts",
              "3",
              "calls per batch (invalid output, rate limits, timeouts) before it is kept for"
                  + " a later retry"),
          new Setting(
              "extraction_batch_messages",
              "ATTUNE_EXTRACTION_BATCH_MESSAGES",
              "--extraction-batch-messages",
              "20",
              "with a chat model: messages of a user extracted in one call"),
          new Setting(
              "extraction_idle_ms",
              "ATTUNE_EXTRACTION_IDLE_MS",
              "--extraction-idle-ms",
              "30000",
              "with a chat model: quiet time after which a user's partial batch is extracted,"
                  + " milliseconds"));

  /**
   * Resolves every setting.
   *
   * @param flags flag values given on the command line, by file key (only those given)
   * @param env the environment
   * @param configFile the configuration file, if any (a flag, else {@code ATTUNE_CONFIG})
   * @throws InvalidRequestException naming the setting and its source for an invalid value
   */
  public static ServerConfig resolve(
      Map<String, String> flags, Map<String, String> env, @Nullable Path configFile) {
    Path file = configFile;
    if (file == null && env.get("ATTUNE_CONFIG") != null) {
      file = Path.of(env.get("ATTUNE_CONFIG"));
    }
    Properties props = new Properties();
    if (file != null) {
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        props.load(r);
      } catch (IOException e) {
        throw new InvalidRequestException(
            "config", "cannot read the configuration file " + file + ": " + e.getMessage());
      }
      for (String key : props.stringPropertyNames()) {
        if (SETTINGS.stream().noneMatch(s -> s.key().equals(key))) {
          throw new InvalidRequestException(
              key, "unknown setting '" + key + "' in " + file + "; known: " + keys());
        }
      }
    }
    Map<String, Value> v = new LinkedHashMap<>();
    for (Setting s : SETTINGS) {
      if (flags.containsKey(s.key())) {
        v.put(s.key(), new Value(flags.get(s.key()), "flag " + s.flag()));
      } else if (env.get(s.env()) != null) {
        v.put(s.key(), new Value(env.get(s.env()), "environment variable " + s.env()));
      } else if (props.getProperty(s.key()) != null) {
        v.put(s.key(), new Value(props.getProperty(s.key()), "setting " + s.key() + " in " + file));
      } else {
        v.put(s.key(), new Value(s.defaultValue(), "default"));
      }
    }
    String encoding = v.get("token_encoding").text().strip().toLowerCase(Locale.ROOT);
    try {
      TokenCounters.forEncoding(encoding);
    } catch (InvalidRequestException e) {
      throw invalid("token_encoding", v.get("token_encoding"), "cl100k_base or o200k_base");
    }
    String data = v.get("data").text().strip();
    if (data.isEmpty()) {
      throw invalid("data", v.get("data"), "a directory path");
    }
    int rate = integer(v, "rate_limit", 0, 1_000_000);
    return new ServerConfig(
        nonEmpty(v, "host"),
        integer(v, "port", 0, 65_535),
        Path.of(data),
        store(v),
        onOff(v, "encryption"),
        v.get("master_key_file").text().isBlank()
            ? null
            : Path.of(v.get("master_key_file").text().strip()),
        v.get("master_key").text().isBlank() ? null : v.get("master_key").text().strip(),
        encoding,
        rate,
        integer(v, "rate_burst", 1, 10_000_000),
        longValue(v, "max_body_bytes", 1024, 1L << 30),
        integer(v, "context_timeout_ms", 1, 60_000),
        longValue(v, "cache_bytes", 1L << 20, 1L << 40),
        integer(v, "user_token_ttl_seconds", 1, 86_400),
        integer(v, "observe_wait_ms", 0, 600_000),
        Duration.ofDays(integer(v, "episode_retention_days", 0, 36_500)),
        decay(v),
        llm(v),
        new ExtractionBuffer(
            integer(v, "extraction_batch_messages", 1, 1000),
            Duration.ofMillis(longValue(v, "extraction_idle_ms", 100, 86_400_000)),
            ExtractionBuffer.defaults().poll(),
            ExtractionBuffer.defaults().retryBase(),
            ExtractionBuffer.defaults().concurrency()));
  }

  private static boolean onOff(Map<String, Value> v, String key) {
    String s = v.get(key).text().strip().toLowerCase(Locale.ROOT);
    return switch (s) {
      case "on", "true", "yes" -> true;
      case "off", "false", "no" -> false;
      default -> throw invalid(key, v.get(key), "on or off");
    };
  }

  private static @Nullable String store(Map<String, Value> v) {
    String url = v.get("store").text().strip();
    if (url.isEmpty()) {
      return null;
    }
    try {
      Stores.check(url);
    } catch (InvalidRequestException e) {
      // Never echo the URL: it may hold a password.
      throw new InvalidRequestException(
          "store", e.getMessage() + " (from " + v.get("store").source() + ")");
    }
    return url;
  }

  private static LlmSettings llm(Map<String, Value> v) {
    String base = v.get("llm_base_url").text().strip();
    URI baseUrl;
    try {
      baseUrl = base.isEmpty() ? null : new URI(base);
    } catch (URISyntaxException e) {
      throw invalid("llm_base_url", v.get("llm_base_url"), "an http(s) URL");
    }
    Duration timeout = Duration.ofMillis(longValue(v, "llm_timeout_ms", 100, 600_000));
    int attempts = integer(v, "llm_max_attempts", 1, 10);
    try {
      return new LlmSettings(
          LlmSettings.Provider.parse(v.get("llm_provider").text()),
          baseUrl,
          v.get("llm_model").text().strip(),
          v.get("llm_api_key").text().strip(),
          timeout,
          attempts,
          LlmSettings.DEFAULT_MAX_RETRY_WAIT);
    } catch (InvalidRequestException e) {
      // Says where the offending value came from; never echoes the key.
      Value value = v.get(e.field());
      boolean given = value != null && !value.source().equals("default");
      throw new InvalidRequestException(
          e.field(), e.getMessage() + (given ? " (from " + value.source() + ")" : ""));
    }
  }

  private static DecayPolicy decay(Map<String, Value> v) {
    Value thresholdValue = v.get("decay_threshold");
    double threshold;
    try {
      threshold = Double.parseDouble(thresholdValue.text().strip());
    } catch (NumberFormatException e) {
      throw invalid("decay_threshold", thresholdValue, "a number within [0, 1)");
    }
    if (!(threshold >= 0 && threshold < 1)) {
      throw invalid("decay_threshold", thresholdValue, "a number within [0, 1)");
    }
    Value halfLives = v.get("decay_half_lives");
    String spec = halfLives.text().strip();
    if (spec.equalsIgnoreCase("none")) {
      return DecayPolicy.none();
    }
    DecayPolicy policy = DecayPolicy.defaults().withThreshold(threshold);
    if (spec.isEmpty()) {
      return policy;
    }
    String expected = "category=days pairs separated by commas, e.g. goal=90,event=180, or none";
    for (String pair : spec.split(",")) {
      String[] kv = pair.split("=", 2);
      if (kv.length != 2) {
        throw invalid("decay_half_lives", halfLives, expected);
      }
      Category category;
      long days;
      try {
        category = Category.parse("decay_half_lives", kv[0].strip());
        days = Long.parseLong(kv[1].strip());
      } catch (InvalidRequestException | NumberFormatException e) {
        throw invalid("decay_half_lives", halfLives, expected);
      }
      if (days < 1 || days > 36_500) {
        throw invalid("decay_half_lives", halfLives, "half-lives within 1..36500 days");
      }
      policy = policy.withHalfLife(category, Duration.ofDays(days));
    }
    return policy;
  }

  private record Value(String text, String source) {}

  private static String keys() {
    return String.join(", ", SETTINGS.stream().map(Setting::key).toList());
  }

  private static String nonEmpty(Map<String, Value> v, String key) {
    String s = v.get(key).text().strip();
    if (s.isEmpty()) {
      throw invalid(key, v.get(key), "a non-empty value");
    }
    return s;
  }

  private static int integer(Map<String, Value> v, String key, int min, int max) {
    long n = longValue(v, key, min, max);
    return (int) n;
  }

  private static long longValue(Map<String, Value> v, String key, long min, long max) {
    Value value = v.get(key);
    long n;
    try {
      n = Long.parseLong(value.text().strip().replace("_", ""));
    } catch (NumberFormatException e) {
      throw invalid(key, value, "a whole number within " + min + ".." + max);
    }
    if (n < min || n > max) {
      throw invalid(key, value, "a whole number within " + min + ".." + max);
    }
    return n;
  }

  private static InvalidRequestException invalid(String key, Value value, String expected) {
    return new InvalidRequestException(
        key,
        "invalid "
            + key
            + " '"
            + value.text()
            + "' (from "
            + value.source()
            + "): expected "
            + expected);
  }
}
