package dev.attune.bench.prefeval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.api.Json;
import dev.attune.bench.EvalRun;
import dev.attune.models.testing.ScriptedModelServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The preference harness end to end on a tiny set in PrefEval's shape (written for this test). */
class PrefEvalIT {
  @TempDir Path dir;

  private Path dataset() throws Exception {
    Path topics = Files.createDirectories(dir.resolve("set/explicit_preference"));
    Files.writeString(
        topics.resolve("travel.json"),
        """
        [{"preference": "I never fly: trains only, whatever the distance.",
          "question": "How should I get from Paris to Rome next month?"}]""");
    Files.writeString(
        dir.resolve("set/filtered_inter_turns.json"),
        """
        [{"conversation": [
           {"role": "user", "content": "What is a good name for a goldfish?"},
           {"role": "assistant", "content": "Bubbles, Goldie or Finn are popular."}]},
         {"conversation": [
           {"role": "user", "content": "How do I boil an egg?"},
           {"role": "assistant", "content": "Simmer it for nine minutes, then cool it."}]}]""");
    return dir.resolve("set");
  }

  @Test
  void learnsWithTheConfiguredChatModelWhenAsked() throws Exception {
    Path set = dataset();
    try (ScriptedModelServer model = new ScriptedModelServer()) {
      for (int i = 0; i < 10; i++) {
        model.thenOpenAi("{\"facts\": []}");
      }
      Path config = EvalRun.chatModelConfig(dir, model, 2);
      Path out = dir.resolve("out");
      EvalRun run =
          EvalRun.of(
              new PrefEval(),
              "--dataset",
              set.toString(),
              "--users",
              "1",
              "--out",
              out.toString(),
              "--llm",
              "--config",
              config.toString());

      assertThat(run.code()).as(run.out()).isZero();
      // The preference and the fillers went to the model before the request was asked (in
      // batches of two messages: three conversations, three calls), and none failed.
      assertThat(model.received).hasSize(3);
      assertThat(String.join("\n", model.received.stream().map(r -> r.body()).toList()))
          .contains("trains only")
          .contains("Simmer it for nine minutes");
      JsonNode results = Json.MAPPER.readTree(Files.readString(out.resolve("results.json")));
      assertThat(results.get("config").get("extractor").asText()).isEqualTo("openai gpt-test");
      assertThat(results.get("config").get("extraction_failed_messages").asLong()).isZero();
      assertThat(results.get("requests").asInt()).isEqualTo(1);
      assertThat(results.get("systems").fieldNames()).toIterable().contains("attune");
    }
  }

  @Test
  void everyUsersMessagesAreExtractedBeforeAnyRequest() throws Exception {
    // Two users, batches of four: each user's six messages take a full batch and a partial one,
    // all sent once (by the background flusher or the harness) before the first request.
    Path set = dataset();
    try (ScriptedModelServer model = new ScriptedModelServer()) {
      for (int i = 0; i < 10; i++) {
        model.thenOpenAi("{\"facts\": []}");
      }
      Path out = dir.resolve("two");
      EvalRun run =
          EvalRun.of(
              new PrefEval(),
              "--dataset",
              set.toString(),
              "--users",
              "2",
              "--out",
              out.toString(),
              "--llm",
              "--config",
              EvalRun.chatModelConfig(dir, model, 4).toString());

      assertThat(run.code()).as(run.out()).isZero();
      assertThat(model.received).hasSize(4);
      JsonNode results = Json.MAPPER.readTree(Files.readString(out.resolve("results.json")));
      assertThat(results.get("config").get("extraction_failed_messages").asLong()).isZero();
      assertThat(results.get("requests").asInt()).isEqualTo(2);
    }
  }

  @Test
  void withoutTheOptionTheOfflineExtractorLearns() throws Exception {
    Path out = dir.resolve("offline");
    EvalRun run =
        EvalRun.of(
            new PrefEval(),
            "--dataset",
            dataset().toString(),
            "--users",
            "1",
            "--out",
            out.toString());

    assertThat(run.code()).as(run.out()).isZero();
    JsonNode results = Json.MAPPER.readTree(Files.readString(out.resolve("results.json")));
    assertThat(results.get("config").get("extractor").asText()).isEqualTo("heuristic (offline)");
    assertThat(results.get("config").has("extraction_failed_messages")).isFalse();
  }
}
