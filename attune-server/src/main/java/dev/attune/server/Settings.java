package dev.attune.server;

import dev.attune.core.model.Limits;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.DoublePredicate;
import org.jspecify.annotations.Nullable;

/**
 * Every setting of {@code serve}, declared once: its key in the configuration file, environment
 * variable, flag (none for secrets), default, unit and check. {@link ServerConfig} resolves them,
 * {@code serve}'s options are made from them, and the README's configuration table is {@link
 * #markdownTable()} (a test keeps it so).
 */
public final class Settings {
  private Settings() {}

  /** What a setting's text must be; {@link #check} throws with {@link #expected} when it is not. */
  public interface Check {
    String expected();

    boolean accepts(String text);
  }

  /**
   * One setting.
   *
   * @param key its key in the configuration file
   * @param env its environment variable
   * @param flag its flag, or null when it is never given on the command line (secrets)
   * @param defaultValue the value when none is given
   * @param documentedDefault the default as the README shows it (Markdown)
   * @param unit its unit or values, as the README shows them (Markdown)
   * @param check what a value must be
   */
  public record Setting(
      String key,
      String env,
      @Nullable String flag,
      String defaultValue,
      String documentedDefault,
      String unit,
      Check check) {

    /** The flag's help: the unit, default and variable, without Markdown. */
    public String help() {
      return plain(unit) + " (default " + plain(documentedDefault) + "; env " + env + ")";
    }
  }

  static Check integer(long min, long max) {
    return new Check() {
      @Override
      public String expected() {
        return "a whole number within " + min + ".." + max;
      }

      @Override
      public boolean accepts(String text) {
        try {
          long n = Long.parseLong(text.strip().replace("_", ""));
          return n >= min && n <= max;
        } catch (NumberFormatException e) {
          return false;
        }
      }
    };
  }

  /** One of {@code values} (any case); {@code expected} says which, for people. */
  static Check oneOf(String expected, String... values) {
    Set<String> allowed = Set.of(values);
    return new Check() {
      @Override
      public String expected() {
        return expected;
      }

      @Override
      public boolean accepts(String text) {
        return allowed.contains(text.strip().toLowerCase(Locale.ROOT));
      }
    };
  }

  static Check text(String expected, boolean emptyAllowed) {
    return new Check() {
      @Override
      public String expected() {
        return expected;
      }

      @Override
      public boolean accepts(String text) {
        return emptyAllowed || !text.isBlank();
      }
    };
  }

  /** A weight: more than 0, at most 1. */
  static Check weight() {
    return number("a number within (0, 1]", d -> d > 0 && d <= 1);
  }

  static Check fraction() {
    return number("a number within [0, 1)", d -> d >= 0 && d < 1);
  }

  /** A decimal number that {@code inRange} accepts; {@code expected} says which, for people. */
  private static Check number(String expected, DoublePredicate inRange) {
    return new Check() {
      @Override
      public String expected() {
        return expected;
      }

      @Override
      public boolean accepts(String text) {
        try {
          return inRange.test(Double.parseDouble(text.strip()));
        } catch (NumberFormatException e) {
          return false;
        }
      }
    };
  }

  private static Setting s(
      String key,
      String flag,
      String defaultValue,
      String documentedDefault,
      String unit,
      Check check) {
    return new Setting(
        key,
        "ATTUNE_" + key.toUpperCase(Locale.ROOT),
        flag,
        defaultValue,
        documentedDefault,
        unit,
        check);
  }

  private static String code(String value) {
    return "`" + value + "`";
  }

  public static final List<Setting> ALL =
      List.of(
          s(
              "host",
              "--host",
              "127.0.0.1",
              code("127.0.0.1"),
              "interface to listen on (`0.0.0.0` for all)",
              text("a host name or address", false)),
          s(
              "port",
              "--port",
              "8080",
              code("8080"),
              "TCP port; 0 picks a free one",
              integer(0, 65_535)),
          s(
              "data",
              "--data",
              "./attune-data",
              code("./attune-data"),
              "directory; holds `attune.db` (SQLite, WAL)",
              text("a directory path", false)),
          s(
              "encryption",
              "--encryption",
              "on",
              code("on"),
              "`on`: users' text encrypted at rest; `off`: plaintext",
              oneOf("on or off", "on", "off", "true", "false", "yes", "no")),
          s(
              "master_key_file",
              "--master-key-file",
              "",
              "`master.key` in `data` (SQLite)",
              "file holding the master key, base64",
              text("a file path", true)),
          s(
              "master_key",
              null,
              "",
              "(none)",
              "the master key itself, base64 (32 bytes); never printed",
              text("base64", true)),
          new Setting(
              "store",
              "ATTUNE_STORE_URL",
              "--store",
              "",
              "(empty: SQLite in `data`)",
              "`jdbc:postgresql://host:port/database?user=..&password=..` to run several nodes on"
                  + " one PostgreSQL ([docs/scaling.md](docs/scaling.md)); the password is never"
                  + " printed",
              text("a jdbc:postgresql:// URL", true)),
          s(
              "token_encoding",
              "--token-encoding",
              "cl100k_base",
              code("cl100k_base"),
              "`cl100k_base`, `o200k_base`",
              oneOf("cl100k_base or o200k_base", "cl100k_base", "o200k_base")),
          s(
              "rate_limit",
              "--rate-limit",
              "1000",
              code("1000"),
              "requests per second per key; 0 = off",
              integer(0, 1_000_000)),
          s(
              "rate_burst",
              "--rate-burst",
              "2000",
              code("2000"),
              "requests a key may make at once",
              integer(1, 10_000_000)),
          s(
              "max_body_bytes",
              "--max-body-bytes",
              "16777216",
              code("16777216"),
              "bytes (16 MiB)",
              integer(1024, 1L << 30)),
          s(
              "context_timeout_ms",
              "--context-timeout-ms",
              "100",
              code("100"),
              "milliseconds; a request's `timeout_ms` overrides it",
              integer(1, Limits.MAX_CONTEXT_TIMEOUT_MS)),
          s(
              "cache_bytes",
              "--cache-bytes",
              "536870912",
              code("536870912"),
              "bytes (512 MiB) of cached working sets",
              integer(1L << 20, 1L << 40)),
          s(
              "user_token_ttl_seconds",
              "--user-token-ttl-seconds",
              "900",
              code("900"),
              "seconds; at most 86400",
              integer(1, 86_400)),
          s(
              "shutdown_timeout_ms",
              "--shutdown-timeout-ms",
              "30000",
              code("30000"),
              "on SIGTERM: how long requests in flight and the observation being learned may take"
                  + " before the process exits anyway (with status 1)",
              integer(100, 600_000)),
          s(
              "node_id",
              "--node-id",
              "",
              "(SQLite: kept in `data`/node.id; PostgreSQL: new per process)",
              "this process's name in the work queues: a node restarted with its name takes back at"
                  + " once what it had claimed; never two live processes with one name",
              text("an id", true)),
          s(
              "metrics_token",
              null,
              "",
              "(none: `/metrics` is open)",
              "when set, `GET /metrics` needs `Authorization: Bearer <token>`; never logged",
              text("a token", true)),
          s(
              "observe_wait_ms",
              "--observe-wait-ms",
              "30000",
              code("30000"),
              "how long `observe?wait=true` waits before answering 202",
              integer(0, 600_000)),
          s(
              "warm_users",
              "--warm-users",
              "500",
              code("500"),
              "working sets of the most recently active users loaded before `serve` listens (at"
                  + " most 10 s), so their first requests after a restart are not cold; 0: none",
              integer(0, 1_000_000)),
          s(
              "observe_queue_max",
              "--observe-queue-max",
              "100000",
              code("100000"),
              "observations accepted and not yet learned (all tenants) beyond which `POST"
                  + " /v1/observe` answers 503 with `Retry-After` (context is never refused); 0:"
                  + " no bound",
              integer(0, 100_000_000)),
          s(
              "episode_retention_days",
              "--episode-retention-days",
              "90",
              code("90"),
              "days observed messages are kept, from their timestamp; 0 keeps them forever",
              integer(0, 36_500)),
          s(
              "context_records",
              "--context-records",
              "on",
              code("on"),
              "`on`: every pack gets a `context_id` and a record (ids and token counts, never text)"
                  + " for utilization, feedback and experiments; `off`: none",
              oneOf("on or off", "on", "off", "true", "false", "yes", "no")),
          s(
              "context_records_retention_days",
              "--context-records-retention-days",
              "30",
              code("30"),
              "days context records are kept",
              integer(1, 3_650)),
          s(
              "decay_threshold",
              "--decay-threshold",
              "0.15",
              code("0.15"),
              "effective confidence (0..1) below which a memory is not injected; 0 = off",
              fraction()),
          s(
              "decay_half_lives",
              "--decay-half-lives",
              "",
              "(the defaults above)",
              "days per category over the defaults, e.g. `goal=90,event=180`; `none` turns decay"
                  + " off",
              text(
                  "category=days pairs separated by commas, e.g. goal=90,event=180, or none",
                  true)),
          s(
              "assistant_weight",
              "--assistant-weight",
              "0.5",
              code("0.5"),
              "how much an assistant's message counts in retrieval against the user's own, within"
                  + " (0, 1]; `1` weighs them alike (for applications whose users ask what the"
                  + " assistant said)",
              weight()),
          s(
              "llm_provider",
              "--llm-provider",
              "none",
              code("none"),
              "`none` (offline rules), `openai` (any OpenAI-compatible endpoint), `anthropic`",
              oneOf("none, openai or anthropic", "none", "openai", "anthropic")),
          s(
              "llm_base_url",
              "--llm-base-url",
              "",
              "the provider's public API",
              "API root, e.g. `http://localhost:11434/v1` (Ollama), `http://localhost:8000/v1`"
                  + " (vLLM)",
              text("an http(s) URL", true)),
          s(
              "llm_model",
              "--llm-model",
              "",
              "(none)",
              "model name; required with a provider",
              text("a model name", true)),
          s(
              "llm_api_key",
              null,
              "",
              "(none)",
              "required for `anthropic`; optional for local OpenAI-compatible servers; never"
                  + " logged",
              text("an API key", true)),
          s(
              "llm_timeout_ms",
              "--llm-timeout-ms",
              "60000",
              code("60000"),
              "milliseconds one model call may take (100 .. 600,000)",
              integer(100, 600_000)),
          s(
              "llm_max_attempts",
              "--llm-max-attempts",
              "3",
              code("3"),
              "calls per batch before it is kept for a later retry (1 .. 10)",
              integer(1, 10)),
          s(
              "extraction_batch_messages",
              "--extraction-batch-messages",
              "20",
              code("20"),
              "with a model: messages of a user extracted in one call (1 .. 1,000)",
              integer(1, 1000)),
          s(
              "extraction_idle_ms",
              "--extraction-idle-ms",
              "30000",
              code("30000"),
              "with a model: quiet time before a partial batch is extracted, milliseconds",
              integer(100, 86_400_000)),
          s(
              "proxy_openai_base_url",
              "--proxy-openai-base-url",
              "https://api.openai.com/v1",
              code("https://api.openai.com/v1"),
              "where `/v1/proxy/openai` forwards: any OpenAI-compatible API root (vLLM, Ollama,"
                  + " LM Studio)",
              text("an http(s) URL", false)),
          s(
              "proxy_anthropic_base_url",
              "--proxy-anthropic-base-url",
              "https://api.anthropic.com",
              code("https://api.anthropic.com"),
              "where `/v1/proxy/anthropic` forwards",
              text("an http(s) URL", false)),
          s(
              "proxy_openai_api_key",
              null,
              "",
              "(none)",
              "the OpenAI key the proxy sends upstream; when set, clients send their Attune key as"
                  + " the bearer; never logged",
              text("an API key", true)),
          s(
              "proxy_anthropic_api_key",
              null,
              "",
              "(none)",
              "the Anthropic key the proxy sends upstream; when set, clients send their Attune key"
                  + " as the key; never logged",
              text("an API key", true)),
          s(
              "proxy_timeout_ms",
              "--proxy-timeout-ms",
              "300000",
              code("300000"),
              "milliseconds an upstream call through the proxy may take, streaming included",
              integer(1_000, 3_600_000)));

  /** The setting with this key. */
  public static Setting get(String key) {
    return ALL.stream()
        .filter(s -> s.key().equals(key))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no setting " + key));
  }

  /** The README's configuration table. */
  public static String markdownTable() {
    StringBuilder b =
        new StringBuilder(
            "| key in the file | flag | environment | default | unit / values |\n"
                + "|---|---|---|---|---|\n");
    for (Setting s : ALL) {
      b.append("| `")
          .append(s.key())
          .append("` | ")
          .append(s.flag() == null ? "(none: never a flag)" : code(s.flag()))
          .append(" | `")
          .append(s.env())
          .append("` | ")
          .append(s.documentedDefault())
          .append(" | ")
          .append(s.unit())
          .append(" |\n");
    }
    return b.toString();
  }

  private static String plain(String markdown) {
    return markdown.replace("`", "").replaceAll("\\[([^]]*)]\\([^)]*\\)", "$1");
  }
}
