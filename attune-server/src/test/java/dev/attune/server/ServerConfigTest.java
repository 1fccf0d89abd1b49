package dev.attune.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.core.model.Category;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.retrieval.DecayPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsAreDocumented() {
    ServerConfig c = ServerConfig.resolve(Map.of(), Map.of(), null);
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.dataDir()).isEqualTo(Path.of("./attune-data"));
    assertThat(c.tokenEncoding()).isEqualTo("cl100k_base");
    assertThat(c.rateLimit()).isEqualTo(1000);
    assertThat(c.maxBodyBytes()).isEqualTo(16L * 1024 * 1024);
    assertThat(c.contextTimeoutMs()).isEqualTo(100);
  }

  @Test
  void chatModelStoreAndExtractionSettings() {
    ServerConfig defaults = ServerConfig.resolve(Map.of(), Map.of(), null);
    assertThat(defaults.llm().enabled()).isFalse();
    assertThat(defaults.storeUrl()).isNull();
    assertThat(defaults.extraction().maxMessages()).isEqualTo(20);
    assertThat(defaults.extraction().idle()).isEqualTo(Duration.ofSeconds(30));

    ServerConfig c =
        ServerConfig.resolve(
            Map.of("extraction_batch_messages", "5"),
            Map.of(
                "ATTUNE_LLM_PROVIDER", "OpenAI",
                "ATTUNE_LLM_BASE_URL", "http://localhost:11434/v1",
                "ATTUNE_LLM_MODEL", "qwen2.5:7b",
                "ATTUNE_LLM_API_KEY", "sk-secret-123",
                "ATTUNE_STORE_URL", "jdbc:postgresql://db:5432/attune?user=a&password=pw-456"),
            null);
    assertThat(c.llm().id()).isEqualTo("openai:qwen2.5:7b");
    assertThat(c.llm().effectiveBaseUrl()).isEqualTo("http://localhost:11434/v1");
    assertThat(c.llm().toString()).doesNotContain("sk-secret-123");
    assertThat(c.extraction().maxMessages()).isEqualTo(5);
    assertThat(c.storeUrl()).startsWith("jdbc:postgresql://db:5432/attune");

    assertThatThrownBy(
            () -> ServerConfig.resolve(Map.of(), Map.of("ATTUNE_LLM_PROVIDER", "gemini"), null))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage(
            "invalid llm_provider 'gemini' (from environment variable ATTUNE_LLM_PROVIDER):"
                + " expected none, openai or anthropic");
    assertThatThrownBy(
            () ->
                ServerConfig.resolve(
                    Map.of("llm_provider", "anthropic", "llm_model", "claude"), Map.of(), null))
        .hasMessage("llm_api_key is required when llm_provider is anthropic");
    assertThatThrownBy(
            () ->
                ServerConfig.resolve(Map.of("store", "mysql://u:pw-789@db/attune"), Map.of(), null))
        .hasMessageContaining("store must be a jdbc:postgresql://")
        .hasMessageNotContaining("pw-789");
    assertThatThrownBy(
            () -> ServerConfig.resolve(Map.of("extraction_idle_ms", "5"), Map.of(), null))
        .hasMessageContaining("extraction_idle_ms");
  }

  @Test
  void decayAndRetentionSettings() {
    ServerConfig defaults = ServerConfig.resolve(Map.of(), Map.of(), null);
    assertThat(defaults.episodeRetention()).isEqualTo(Duration.ofDays(90));
    assertThat(defaults.decay()).isEqualTo(DecayPolicy.defaults());

    ServerConfig c =
        ServerConfig.resolve(
            Map.of(),
            Map.of(
                "ATTUNE_DECAY_HALF_LIVES", "goal=30, event=400",
                "ATTUNE_DECAY_THRESHOLD", "0.3",
                "ATTUNE_EPISODE_RETENTION_DAYS", "0"),
            null);
    assertThat(c.episodeRetention()).isZero();
    assertThat(c.decay().threshold()).isEqualTo(0.3);
    assertThat(c.decay().halfLives())
        .containsEntry(Category.GOAL, Duration.ofDays(30))
        .containsEntry(Category.EVENT, Duration.ofDays(400))
        .containsEntry(
            Category.IDENTITY, DecayPolicy.defaults().halfLives().get(Category.IDENTITY));
    assertThat(ServerConfig.resolve(Map.of("decay_half_lives", "none"), Map.of(), null).decay())
        .isEqualTo(DecayPolicy.none());

    assertThatThrownBy(
            () -> ServerConfig.resolve(Map.of("decay_half_lives", "mood=3"), Map.of(), null))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("invalid decay_half_lives 'mood=3' (from flag --decay-half-lives)");
    assertThatThrownBy(() -> ServerConfig.resolve(Map.of("decay_threshold", "2"), Map.of(), null))
        .hasMessageContaining("decay_threshold");
    assertThat(defaults.retrieval().assistantWeight()).isEqualTo(0.5);
    assertThat(
            ServerConfig.resolve(Map.of(), Map.of("ATTUNE_ASSISTANT_WEIGHT", "1"), null)
                .retrieval()
                .assistantWeight())
        .isEqualTo(1.0);
    assertThatThrownBy(() -> ServerConfig.resolve(Map.of("assistant_weight", "0"), Map.of(), null))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("assistant_weight")
        .hasMessageContaining("(0, 1]");
    assertThatThrownBy(
            () -> ServerConfig.resolve(Map.of("episode_retention_days", "-1"), Map.of(), null))
        .hasMessageContaining("episode_retention_days");
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsTheFileWhichBeatsDefaults() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("attune.properties"), "port=9000\nrate_limit=5\nhost=0.0.0.0\n");
    Map<String, String> env = Map.of("ATTUNE_PORT", "9100", "ATTUNE_RATE_LIMIT", "7");
    ServerConfig c = ServerConfig.resolve(Map.of("port", "9200"), env, file);
    assertThat(c.port()).isEqualTo(9200);
    assertThat(c.rateLimit()).isEqualTo(7);
    assertThat(c.host()).isEqualTo("0.0.0.0");
    ServerConfig fromEnvFile =
        ServerConfig.resolve(Map.of(), Map.of("ATTUNE_CONFIG", file.toString()), null);
    assertThat(fromEnvFile.port()).isEqualTo(9000);
  }

  @Test
  void invalidValuesStopStartUpNamingTheSettingAndItsSource() throws Exception {
    assertThatThrownBy(() -> ServerConfig.resolve(Map.of("port", "eighty"), Map.of(), null))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage(
            "invalid port 'eighty' (from flag --port): expected a whole number within 0..65535");
    assertThatThrownBy(
            () -> ServerConfig.resolve(Map.of(), Map.of("ATTUNE_TOKEN_ENCODING", "gpt2"), null))
        .hasMessage(
            "invalid token_encoding 'gpt2' (from environment variable ATTUNE_TOKEN_ENCODING): expected cl100k_base or o200k_base");
    Path file = Files.writeString(dir.resolve("bad.properties"), "prot=8080\n");
    assertThatThrownBy(() -> ServerConfig.resolve(Map.of(), Map.of(), file))
        .hasMessageStartingWith("unknown setting 'prot' in " + file);
    assertThatThrownBy(
            () -> ServerConfig.resolve(Map.of(), Map.of(), dir.resolve("missing.properties")))
        .hasMessageStartingWith("cannot read the configuration file");
    assertThatThrownBy(() -> ServerConfig.resolve(Map.of("max_body_bytes", "10"), Map.of(), null))
        .hasMessageContaining("max_body_bytes");
  }
}
