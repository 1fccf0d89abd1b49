package dev.attune.server;

import dev.attune.core.api.ExtractionBuffer;
import dev.attune.core.model.Category;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.retrieval.DecayPolicy;
import dev.attune.core.retrieval.RetrievalPolicy;
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
 * @param warmUsers recently active users whose working sets serve loads before it listens
 * @param observeQueueMax observations waiting to be learned beyond which observe answers 503 (0: no
 *     bound)
 * @param episodeRetention how long episodes are kept ({@link Duration#ZERO}: forever)
 * @param contextRecords whether served packs are recorded (effectiveness)
 * @param contextRecordRetention how long context records are kept
 * @param decay how confidence fades with time
 * @param retrieval how retrieval ranks (the assistant's weight from {@code assistant_weight})
 * @param llm the chat model for extraction, consolidation and summaries (provider none: offline)
 * @param extraction how messages are batched for the chat model
 * @param proxy where the model proxy forwards, and with which keys
 * @param metricsToken the bearer token {@code /metrics} requires; null: open
 * @param nodeId this process's name in the work queues; null: see {@code ServerEngine.nodeId}
 * @param shutdownTimeout how long a graceful shutdown may take
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
    int warmUsers,
    long observeQueueMax,
    Duration episodeRetention,
    boolean contextRecords,
    Duration contextRecordRetention,
    DecayPolicy decay,
    RetrievalPolicy retrieval,
    LlmSettings llm,
    ExtractionBuffer extraction,
    ProxySettings proxy,
    @Nullable String metricsToken,
    @Nullable String nodeId,
    Duration shutdownTimeout) {

  /** Without the secrets (master key, tokens, provider keys, the store's password). */
  @Override
  public String toString() {
    return "ServerConfig[host="
        + host
        + ", port="
        + port
        + ", data="
        + dataDir
        + ", store="
        + (storeUrl == null ? "sqlite" : storeUrl.replaceAll("(?i)(password=)[^&]*", "$1***"))
        + ", encryption="
        + encryption
        + ", metricsToken="
        + (metricsToken == null ? "none" : "***")
        + "]";
  }

  /**
   * The model proxy's upstreams.
   *
   * @param openAiKey the key sent to the OpenAI-compatible upstream; empty: the client's
   * @param anthropicKey the key sent to Anthropic; empty: the client's
   */
  public record ProxySettings(
      URI openAiBaseUrl,
      URI anthropicBaseUrl,
      String openAiKey,
      String anthropicKey,
      Duration timeout) {
    /** Without the keys. */
    @Override
    public String toString() {
      return "ProxySettings[openAi=" + openAiBaseUrl + ", anthropic=" + anthropicBaseUrl + "]";
    }
  }

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
        if (Settings.ALL.stream().noneMatch(s -> s.key().equals(key))) {
          throw new InvalidRequestException(
              key, "unknown setting '" + key + "' in " + file + "; known: " + keys());
        }
      }
    }
    Map<String, Value> v = new LinkedHashMap<>();
    for (Settings.Setting s : Settings.ALL) {
      Value value;
      if (flags.containsKey(s.key())) {
        value = new Value(flags.get(s.key()), "flag " + s.flag());
      } else if (env.get(s.env()) != null) {
        value = new Value(env.get(s.env()), "environment variable " + s.env());
      } else if (props.getProperty(s.key()) != null) {
        value = new Value(props.getProperty(s.key()), "setting " + s.key() + " in " + file);
      } else {
        value = new Value(s.defaultValue(), "default");
      }
      if (!s.check().accepts(value.text())) {
        throw invalid(s.key(), value, s.check().expected());
      }
      v.put(s.key(), value);
    }
    String encoding = v.get("token_encoding").text().strip().toLowerCase(Locale.ROOT);
    String data = v.get("data").text().strip();
    return new ServerConfig(
        v.get("host").text().strip(),
        integer(v, "port"),
        Path.of(data),
        store(v),
        onOff(v, "encryption"),
        v.get("master_key_file").text().isBlank()
            ? null
            : Path.of(v.get("master_key_file").text().strip()),
        v.get("master_key").text().isBlank() ? null : v.get("master_key").text().strip(),
        encoding,
        integer(v, "rate_limit"),
        integer(v, "rate_burst"),
        longValue(v, "max_body_bytes"),
        integer(v, "context_timeout_ms"),
        longValue(v, "cache_bytes"),
        integer(v, "user_token_ttl_seconds"),
        integer(v, "observe_wait_ms"),
        integer(v, "warm_users"),
        longValue(v, "observe_queue_max"),
        Duration.ofDays(integer(v, "episode_retention_days")),
        onOff(v, "context_records"),
        Duration.ofDays(integer(v, "context_records_retention_days")),
        decay(v),
        RetrievalPolicy.defaults()
            .withAssistantWeight(Double.parseDouble(v.get("assistant_weight").text().strip())),
        llm(v),
        new ExtractionBuffer(
            integer(v, "extraction_batch_messages"),
            Duration.ofMillis(longValue(v, "extraction_idle_ms")),
            ExtractionBuffer.defaults().poll(),
            ExtractionBuffer.defaults().retryBase(),
            ExtractionBuffer.defaults().concurrency()),
        new ProxySettings(
            url(v, "proxy_openai_base_url"),
            url(v, "proxy_anthropic_base_url"),
            v.get("proxy_openai_api_key").text().strip(),
            v.get("proxy_anthropic_api_key").text().strip(),
            Duration.ofMillis(longValue(v, "proxy_timeout_ms"))),
        v.get("metrics_token").text().isBlank() ? null : v.get("metrics_token").text().strip(),
        v.get("node_id").text().isBlank()
            ? null
            : dev.attune.core.model.Ids.check("node_id", v.get("node_id").text().strip()),
        Duration.ofMillis(longValue(v, "shutdown_timeout_ms")));
  }

  private static URI url(Map<String, Value> v, String key) {
    String text = v.get(key).text().strip();
    try {
      URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
      if (uri.getScheme() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null) {
        throw invalid(key, v.get(key), "an http(s) URL");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw invalid(key, v.get(key), "an http(s) URL");
    }
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
    Duration timeout = Duration.ofMillis(longValue(v, "llm_timeout_ms"));
    int attempts = integer(v, "llm_max_attempts");
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
    double threshold = Double.parseDouble(v.get("decay_threshold").text().strip());
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
    return String.join(", ", Settings.ALL.stream().map(Settings.Setting::key).toList());
  }

  // Values were checked against their setting before they are read.
  private static int integer(Map<String, Value> v, String key) {
    return (int) longValue(v, key);
  }

  private static long longValue(Map<String, Value> v, String key) {
    return Long.parseLong(v.get(key).text().strip().replace("_", ""));
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
