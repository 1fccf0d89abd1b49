package dev.attune.bench.locomo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.api.Json;
import dev.attune.bench.EvalRun;
import dev.attune.bench.TinyLocomo;
import dev.attune.models.testing.ScriptedModelServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness end to end on a tiny conversation in LoCoMo's format (written for this test). */
class LocomoEvalIT {
  @TempDir Path dir;

  static final String DATASET = TinyLocomo.CONVERSATION;

  @Test
  void writesResultsAndChecksTheFloor() throws Exception {
    Path dataset = Files.writeString(dir.resolve("tiny.json"), DATASET);
    Path floor =
        Files.writeString(
            dir.resolve("floor.json"),
            "{\"conversations\": 1, \"recall_at_10\": 0.99, \"recall_at_budget\": {\"1000\": 0.99}}");
    Path out = dir.resolve("out");
    EvalRun run =
        EvalRun.of(
            new LocomoEval(),
            "--dataset",
            dataset.toString(),
            "--out",
            out.toString(),
            "--floor",
            floor.toString());

    assertThat(run.code()).as(run.out()).isZero();
    JsonNode results = Json.MAPPER.readTree(Files.readString(out.resolve("results.json")));
    assertThat(results.get("scored_questions").asInt()).isEqualTo(2);
    assertThat(results.get("skipped_questions").asInt()).isEqualTo(1);
    JsonNode attune = results.get("systems").get("attune");
    assertThat(attune.get("overall").get("recall_at_10").asDouble()).isEqualTo(1.0);
    assertThat(attune.get("overall").get("recall_at_budget").get("1000").asDouble()).isEqualTo(1.0);
    assertThat(attune.get("by_category").has("adversarial")).isTrue();
    assertThat(results.get("systems").fieldNames())
        .toIterable()
        .contains("bm25", "dense", "recency");
    assertThat(Files.size(out.resolve("recall_vs_budget.png"))).isPositive();
    assertThat(Files.readString(out.resolve("results.md"))).contains("| Attune |");
    assertThat(run.out()).contains("recall floors: all met");

    // Below the floor: exit 1. A tiny budget holds nothing, so its recall is 0.
    Path high =
        Files.writeString(
            dir.resolve("high.json"),
            "{\"conversations\": 1, \"recall_at_10\": 0.5, \"recall_at_budget\": {\"5\": 0.5}}");
    EvalRun below =
        EvalRun.of(
            new LocomoEval(),
            "--dataset",
            dataset.toString(),
            "--out",
            out.toString(),
            "--budgets",
            "5,1000",
            "--floor",
            high.toString());
    assertThat(below.code()).isEqualTo(1);
    assertThat(below.out()).contains("[BELOW] recall@5 tokens").contains("FAILED");

    // A floor for another run size, or for a budget the run did not use, fails: it cannot pass
    // by not being checked.
    for (String other :
        new String[] {
          "{\"conversations\": 2, \"recall_at_10\": 0.5, \"recall_at_budget\": {\"1000\": 0.5}}",
          "{\"conversations\": 1, \"recall_at_10\": 0.5, \"recall_at_budget\": {\"777\": 0.5}}"
        }) {
      Path f = Files.writeString(dir.resolve("other.json"), other);
      EvalRun said =
          EvalRun.of(
              new LocomoEval(),
              "--dataset",
              dataset.toString(),
              "--out",
              out.toString(),
              "--floor",
              f.toString());
      assertThat(said.code()).isEqualTo(1);
      assertThat(said.out()).contains("FAILED");
    }
  }

  @Test
  void learnsWithTheConfiguredChatModelWhenAsked() throws Exception {
    Path dataset = Files.writeString(dir.resolve("tiny.json"), DATASET);
    try (ScriptedModelServer model = new ScriptedModelServer()) {
      // Batches of two: the five messages take three calls, all made before the questions.
      model
          .thenOpenAi(
              """
              {"facts": [
                {"text": "Ana has a grey kitten called Pixel.", "category": "identity",
                 "source_ids": ["D1:1"], "slot": "", "value": "", "replaces": "",
                 "confidence": 0.9}]}""")
          .thenOpenAi("{\"facts\": []}")
          .thenOpenAi("{\"facts\": []}");
      Path config = EvalRun.chatModelConfig(dir, model, 2);
      Path out = dir.resolve("llm");
      EvalRun run =
          EvalRun.of(
              new LocomoEval(),
              "--dataset",
              dataset.toString(),
              "--out",
              out.toString(),
              "--llm",
              "--config",
              config.toString());

      assertThat(run.code()).as(run.out()).isZero();
      // The whole conversation went to the model before the questions were asked.
      assertThat(model.received).hasSize(3);
      assertThat(model.received.stream().map(r -> r.body()).toList())
          .anySatisfy(body -> assertThat(body).contains("grey kitten called Pixel"))
          .anySatisfy(body -> assertThat(body).contains("knocked over my plants"));
      JsonNode results = Json.MAPPER.readTree(Files.readString(out.resolve("results.json")));
      assertThat(results.get("config").get("extractor").asText()).isEqualTo("openai gpt-test");
      assertThat(results.get("config").get("extraction_failed_messages").asLong()).isZero();
      assertThat(results.get("scored_questions").asInt()).isEqualTo(2);
    }
  }

  @Test
  void aChatModelRunWithoutAModelConfiguredSaysWhatIsMissing() throws Exception {
    Path dataset = Files.writeString(dir.resolve("tiny.json"), DATASET);
    Path config = Files.writeString(dir.resolve("none.properties"), "llm_provider=none\n");
    EvalRun run =
        EvalRun.of(
            new LocomoEval(),
            "--dataset",
            dataset.toString(),
            "--llm",
            "--config",
            config.toString());

    assertThat(run.code()).isNotZero();
    assertThat(run.err()).contains("--llm needs a chat model").contains("llm_provider");
  }
}
