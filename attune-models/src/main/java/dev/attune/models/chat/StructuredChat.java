package dev.attune.models.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.core.model.ExtractionException;
import dev.attune.core.model.TenantId;
import dev.attune.core.port.UsageMeter;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.output.TokenUsage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One structured request to a chat model, made reliable: the reply is constrained by a JSON schema
 * (OpenAI {@code response_format}, an Anthropic tool the model must call), repaired when it is
 * almost JSON, and asked again with the problem named when it is not; rate limits wait out {@code
 * Retry-After}; timeouts and server errors are retried. At most {@code maxAttempts} calls, then
 * {@link ExtractionException}. Every call is metered. Thread-safe.
 */
public final class StructuredChat {
  private static final System.Logger LOG = System.getLogger(StructuredChat.class.getName());

  /** Waits between attempts; tests record the waits. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final LlmSettings settings;
  private final ChatModel model;
  private final UsageMeter meter;
  private final Sleeper sleeper;

  public StructuredChat(LlmSettings settings, UsageMeter meter) {
    this(settings, meter, d -> Thread.sleep(d.toMillis()));
  }

  public StructuredChat(LlmSettings settings, UsageMeter meter, Sleeper sleeper) {
    if (!settings.enabled()) {
      throw new IllegalArgumentException("no chat model is configured (llm_provider is none)");
    }
    this.settings = settings;
    this.meter = meter;
    this.sleeper = sleeper;
    this.model = build(settings);
  }

  private static ChatModel build(LlmSettings s) {
    RetryAfterHttpClient.Builder http = new RetryAfterHttpClient.Builder();
    return switch (s.provider()) {
      case OPENAI ->
          OpenAiChatModel.builder()
              .httpClientBuilder(http)
              .baseUrl(s.effectiveBaseUrl())
              // Local servers (Ollama, vLLM, LM Studio) take any key.
              .apiKey(s.apiKey() == null ? "none" : s.apiKey())
              .modelName(s.model())
              .timeout(s.timeout())
              .maxRetries(0) // retried here, where Retry-After and bad JSON are understood
              .strictJsonSchema(true)
              .supportedCapabilities(Capability.RESPONSE_FORMAT_JSON_SCHEMA)
              .build();
      case ANTHROPIC ->
          AnthropicChatModel.builder()
              .httpClientBuilder(http)
              .baseUrl(s.effectiveBaseUrl())
              .apiKey(s.apiKey())
              .modelName(s.model())
              .maxTokens(4096)
              .timeout(s.timeout())
              .maxRetries(0)
              .build();
      case NONE -> throw new IllegalArgumentException("no provider");
    };
  }

  /** {@code openai:gpt-4o-mini} and the like. */
  public String id() {
    return settings.id();
  }

  /**
   * Asks and returns a reply that parses and that {@code check} accepts.
   *
   * @param operation what it is for: {@code extract}, {@code judge} or {@code summarize}; also the
   *     schema's and the tool's name
   * @param check returns the reply's problem (told to the model on the next attempt), or null
   * @throws ExtractionException when no attempt gave an acceptable reply, or the endpoint refused
   *     the request for good (a bad key, an unknown model)
   */
  public JsonNode ask(
      TenantId tenant,
      String operation,
      String instructions,
      String data,
      JsonObjectSchema schema,
      Function<JsonNode, @Nullable String> check) {
    String problem = null;
    for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
      String prompt =
          problem == null
              ? data
              : data
                  + "\n\nYour previous reply was rejected: "
                  + problem
                  + ". Reply again with only the JSON object the schema describes.";
      ChatRequest request = request(operation, instructions, prompt, schema);
      long started = System.nanoTime();
      ChatResponse response;
      try {
        response = model.chat(request);
      } catch (RuntimeException e) {
        meter.record(call(tenant, operation, null, started, false));
        problem = describe(e);
        Duration wait = waitBeforeRetry(e, attempt);
        if (attempt == settings.maxAttempts()) {
          break;
        }
        LOG.log(
            System.Logger.Level.INFO,
            operation + " call " + attempt + " failed (" + problem + "); retrying in " + wait);
        pause(wait);
        continue;
      }
      LenientJson.Parsed parsed = LenientJson.parse(replyText(response.aiMessage()));
      if (parsed.json() == null) {
        problem = parsed.problem();
      } else {
        problem = check.apply(parsed.json());
      }
      boolean ok = problem == null;
      meter.record(call(tenant, operation, response.tokenUsage(), started, ok));
      if (ok) {
        return parsed.json();
      }
      LOG.log(
          System.Logger.Level.INFO,
          operation + " reply " + attempt + " unusable (" + problem + ")");
    }
    throw new ExtractionException(
        operation
            + " with "
            + settings.id()
            + " failed after "
            + settings.maxAttempts()
            + " attempt(s): "
            + problem);
  }

  private ChatRequest request(
      String operation, String instructions, String prompt, JsonObjectSchema schema) {
    ChatRequest.Builder b =
        ChatRequest.builder().messages(SystemMessage.from(instructions), UserMessage.from(prompt));
    if (settings.provider() == LlmSettings.Provider.ANTHROPIC) {
      // Anthropic's structured output: a tool whose arguments are the reply, which it must call.
      b.toolSpecifications(
              ToolSpecification.builder()
                  .name(operation)
                  .description("Records the " + operation + " result.")
                  .parameters(schema)
                  .build())
          .toolChoice(ToolChoice.REQUIRED);
    } else {
      b.responseFormat(
          ResponseFormat.builder()
              .type(ResponseFormatType.JSON)
              .jsonSchema(JsonSchema.builder().name(operation).rootElement(schema).build())
              .build());
    }
    return b.build();
  }

  private static @Nullable String replyText(@Nullable AiMessage message) {
    if (message == null) {
      return null;
    }
    if (message.hasToolExecutionRequests()) {
      return message.toolExecutionRequests().get(0).arguments();
    }
    return message.text();
  }

  private UsageMeter.ModelCall call(
      TenantId tenant, String operation, @Nullable TokenUsage usage, long started, boolean ok) {
    long in = usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
    long out = usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
    return new UsageMeter.ModelCall(
        tenant,
        operation,
        settings.id(),
        in,
        out,
        Duration.ofNanos(System.nanoTime() - started),
        ok);
  }

  /**
   * How long to wait before the next attempt after a failed call; throws at once when retrying
   * cannot help (the request itself is refused) or the provider asks for a longer wait than we hold
   * a batch for.
   */
  private Duration waitBeforeRetry(RuntimeException e, int attempt) {
    Optional<HttpException> http = cause(e, HttpException.class);
    if (http.isPresent()) {
      int status = http.get().statusCode();
      if (status == 429 || status == 503) {
        Duration asked =
            http.get() instanceof RetryAfterHttpClient.RefusedException r
                ? r.retryAfter().orElse(null)
                : null;
        if (asked == null) {
          return backoff(attempt);
        }
        if (asked.compareTo(settings.maxRetryWait()) > 0) {
          throw new ExtractionException(
              settings.id() + " is rate limited for " + asked.toSeconds() + " s", e);
        }
        return asked;
      }
      if (status >= 400 && status < 500 && status != 408) {
        throw new ExtractionException(
            settings.id() + " refused the request (" + status + "): " + brief(http.get()), e);
      }
    }
    return backoff(attempt);
  }

  private static Duration backoff(int attempt) {
    return Duration.ofMillis(250L << Math.min(6, attempt - 1));
  }

  private void pause(Duration d) {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new ExtractionException("interrupted while waiting to retry", ie);
    }
  }

  private static String describe(RuntimeException e) {
    if (cause(e, HttpTimeoutException.class).isPresent()) {
      return "timed out";
    }
    Optional<HttpException> http = cause(e, HttpException.class);
    if (http.isPresent()) {
      return "HTTP " + http.get().statusCode();
    }
    if (cause(e, IOException.class).isPresent() || e instanceof UncheckedIOException) {
      return "connection failed: " + e.getMessage();
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  private static String brief(HttpException e) {
    String m = e.getMessage() == null ? "" : e.getMessage().strip();
    return m.length() > 300 ? m.substring(0, 300) + "..." : m;
  }

  private static <T extends Throwable> Optional<T> cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return Optional.of(type.cast(t));
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return Optional.empty();
  }
}
