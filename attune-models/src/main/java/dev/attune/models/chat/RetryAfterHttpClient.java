package dev.attune.models.chat;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * LangChain4j's HTTP client SPI over {@code java.net.http}, which keeps what the stock client
 * drops: a refused call's {@code Retry-After} header, so rate limits are waited out for as long as
 * the provider asks, not guessed.
 */
final class RetryAfterHttpClient implements HttpClient {
  // Headers java.net.http sets itself and refuses to be given.
  private static final Set<String> RESTRICTED =
      Set.of("content-length", "host", "connection", "expect", "upgrade");

  private final java.net.http.HttpClient http;
  private final Duration readTimeout;

  private RetryAfterHttpClient(Duration connectTimeout, Duration readTimeout) {
    this.http =
        java.net.http.HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .build();
    this.readTimeout = readTimeout;
  }

  /** A non-2xx answer, with the wait the provider asked for, if it said. */
  static final class RefusedException extends HttpException {
    private final @Nullable Duration retryAfter;

    RefusedException(int status, String body, @Nullable Duration retryAfter) {
      super(status, body);
      this.retryAfter = retryAfter;
    }

    Optional<Duration> retryAfter() {
      return Optional.ofNullable(retryAfter);
    }
  }

  @Override
  public SuccessfulHttpResponse execute(HttpRequest request) {
    java.net.http.HttpRequest.Builder b =
        java.net.http.HttpRequest.newBuilder(URI.create(request.url())).timeout(readTimeout);
    request
        .headers()
        .forEach(
            (name, values) -> {
              if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> b.header(name, v));
              }
            });
    String body = request.body();
    b.method(
        request.method().name(),
        body == null
            ? java.net.http.HttpRequest.BodyPublishers.noBody()
            : java.net.http.HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response;
    try {
      response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the model", e);
    }
    int status = response.statusCode();
    if (status < 200 || status > 299) {
      throw new RefusedException(
          status,
          response.body(),
          response
              .headers()
              .firstValue("Retry-After")
              .flatMap(RetryAfterHttpClient::parseRetryAfter)
              .orElse(null));
    }
    return SuccessfulHttpResponse.builder()
        .statusCode(status)
        .headers(response.headers().map())
        .body(response.body())
        .build();
  }

  @Override
  public void execute(
      HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
    // Attune asks for whole structured replies; it never streams.
    throw new UnsupportedOperationException("streaming is not used by Attune");
  }

  /** Seconds ({@code 120}) or an HTTP date; empty when neither. */
  static Optional<Duration> parseRetryAfter(String value) {
    String v = value.trim();
    try {
      long seconds = Long.parseLong(v);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(Instant.now(), at);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (DateTimeParseException notDate) {
        return Optional.empty();
      }
    }
  }

  /** What LangChain4j's model builders take. */
  static final class Builder implements HttpClientBuilder {
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = LlmSettings.DEFAULT_TIMEOUT;

    @Override
    public Duration connectTimeout() {
      return connectTimeout;
    }

    @Override
    public Builder connectTimeout(@Nullable Duration timeout) {
      if (timeout != null) {
        connectTimeout = timeout;
      }
      return this;
    }

    @Override
    public Duration readTimeout() {
      return readTimeout;
    }

    @Override
    public Builder readTimeout(@Nullable Duration timeout) {
      if (timeout != null) {
        readTimeout = timeout;
      }
      return this;
    }

    @Override
    public HttpClient build() {
      return new RetryAfterHttpClient(connectTimeout, readTimeout);
    }
  }
}
