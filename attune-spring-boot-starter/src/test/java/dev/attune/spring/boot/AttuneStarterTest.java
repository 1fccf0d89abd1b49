package dev.attune.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.attune.connect.AttuneMemory;
import dev.attune.core.Attune;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.model.Episode;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.Message;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.EpisodeQuery;
import dev.attune.core.testing.HashingEmbedder;
import dev.attune.server.http.ScriptedUpstream;
import dev.attune.server.http.TestServer;
import dev.attune.spring.ai.AttuneAdvisor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A Spring Boot 4 application whose {@code ChatClient} (Spring AI's OpenAI starter) talks to a
 * scripted OpenAI-compatible server, with Attune from {@code attune.*} properties: embedded (a data
 * directory, the local embedding model) and remote (a running Attune over HTTP). The model sees the
 * user's context; the exchange is observed; the health indicator reports; the engine's metrics land
 * in the application's registry.
 */
class AttuneStarterTest {
  static ScriptedUpstream model;

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class ChatApp {
    @Bean
    ChatClient chatClient(ChatClient.Builder builder) {
      return builder.defaultSystem("You are a helpful cook.").build();
    }

    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    model = new ScriptedUpstream();
  }

  @AfterAll
  static void stop() {
    model.close();
  }

  static ConfigurableApplicationContext app(Map<String, Object> properties) {
    Map<String, Object> all = new java.util.HashMap<>(properties);
    all.put("spring.main.web-application-type", "none");
    all.put("spring.ai.openai.base-url", model.url());
    all.put("spring.ai.openai.api-key", "sk-test");
    all.put("spring.ai.openai.chat.options.model", "gpt-4o-mini");
    return new SpringApplicationBuilder(ChatApp.class).properties(all).run();
  }

  static String ask(ConfigurableApplicationContext app) {
    return app.getBean(ChatClient.class)
        .prompt()
        .user("Any ideas for a vegetarian dinner tonight?")
        .advisors(a -> a.param(AttuneAdvisor.USER_ID, "ann").param(AttuneAdvisor.SESSION_ID, "c1"))
        .call()
        .content();
  }

  static String lastSystemPrompt() {
    return model.seen.get(model.seen.size() - 1).body();
  }

  @Test
  void embeddedFromADataDirectory() throws Exception {
    Path data = Files.createTempDirectory("attune-starter");
    try (ConfigurableApplicationContext app =
        app(Map.of("attune.data-dir", data.toString(), "attune.tenant", "shop"))) {
      Attune attune = app.getBean(Attune.class);
      assertThat(app.getBean(AttuneMemory.class)).isNotNull();
      attune.observe(
          ObserveRequest.builder(TenantId.of("shop"), UserId.of("ann"))
              .sessionId("earlier")
              .messages(List.of(Message.user("I'm vegetarian.")))
              .build());

      assertThat(ask(app)).contains("chickpea curry");
      assertThat(lastSystemPrompt()).contains("You are a helpful cook.").contains("vegetarian.");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  attune.export(TenantId.of("shop"), UserId.of("ann")).episodes().stream()
                      .anyMatch(e -> e.content().equals(ScriptedUpstream.REPLY)));

      HealthIndicator health = app.getBean("attuneHealthIndicator", HealthIndicator.class);
      assertThat(health.health().getStatus()).isEqualTo(Status.UP);
      assertThat(health.health().getDetails()).containsEntry("mode", "embedded");
      MeterRegistry registry = app.getBean(MeterRegistry.class);
      assertThat(registry.get("attune.context.requests").tag("result", "found").counter().count())
          .isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void remoteThroughTheHttpApi() throws Exception {
    try (TestServer server =
            new TestServer(Map.of("context_timeout_ms", "10000"), new HashingEmbedder());
        ConfigurableApplicationContext app =
            app(
                Map.of(
                    "attune.base-url",
                    server.uri("/").toString(),
                    "attune.api-key",
                    server.key("shop", KeyRole.SERVICE)))) {
      server.attune.observe(
          ObserveRequest.builder(TenantId.of("shop"), UserId.of("ann"))
              .sessionId("earlier")
              .messages(List.of(Message.user("I'm vegetarian.")))
              .build());
      assertThat(app.getBeansOfType(Attune.class)).isEmpty();

      assertThat(ask(app)).contains("chickpea curry");
      assertThat(lastSystemPrompt()).contains("User is vegetarian.");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  server
                      .store
                      .episodes(TenantId.of("shop"), UserId.of("ann"), EpisodeQuery.all())
                      .stream()
                      .map(Episode::content)
                      .anyMatch(ScriptedUpstream.REPLY::equals));
      HealthIndicator health = app.getBean("attuneHealthIndicator", HealthIndicator.class);
      assertThat(health.health().getStatus()).isEqualTo(Status.UP);
      assertThat(health.health().getDetails()).containsEntry("mode", "remote");
    }
  }

  /** A wrong {@code attune.*} value stops start-up with a message that names the property. */
  @Test
  void aWrongPropertyStopsStartUpNamingIt() {
    Map<String, String> wrong =
        Map.of(
            "attune.max-tokens", "-5",
            "attune.timeout", "-1s",
            "attune.tenant", "not a tenant!",
            "attune.base-url", "ftp://attune");
    wrong.forEach(
        (property, value) -> {
          Throwable failure = catchThrowable(() -> app(Map.of(property, value)).close());
          assertThat(failure).as(property).isNotNull();
          Throwable root = failure;
          while (root.getCause() != null) {
            root = root.getCause();
          }
          assertThat(root).as(property).isInstanceOf(IllegalArgumentException.class);
          assertThat(root.getMessage()).as(property).startsWith(property);
        });
  }
}
