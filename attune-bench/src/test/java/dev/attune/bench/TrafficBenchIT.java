package dev.attune.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The traffic benchmark end to end on tiny chats in the datasets' formats (written for this test):
 * both loads run, every phase answers, learning drains, the figures are written.
 */
class TrafficBenchIT {
  @TempDir Path dir;

  @Test
  void runsBothLoadsAndWritesEveryFigure() throws Exception {
    Path prefeval = Files.createDirectories(dir.resolve("prefeval/explicit_preference"));
    Files.writeString(
        prefeval.resolve("travel.json"),
        "[{\"preference\": \"I never fly.\", \"question\": \"How do I get to Rome?\"}]");
    Files.writeString(
        dir.resolve("prefeval/filtered_inter_turns.json"),
        """
        [{"conversation": [
           {"role": "user", "content": "What is a good name for a goldfish?"},
           {"role": "assistant", "content": "%s"}]}]"""
            .formatted("Bubbles, Goldie or Finn are popular choices. ".repeat(40)));
    Path locomo = Files.writeString(dir.resolve("locomo.json"), TinyLocomo.CONVERSATION);
    Path out = dir.resolve("out");

    EvalRun run =
        EvalRun.of(
            new TrafficBench(),
            "--prefeval",
            dir.resolve("prefeval").toString(),
            "--locomo",
            locomo.toString(),
            "--users",
            "3",
            "--memories",
            "5",
            "--context-rate",
            "20",
            "--observe-rate",
            "10",
            "--warm-up-seconds",
            "0",
            "--seconds",
            "1",
            "--saturation-messages",
            "20",
            "--footprint",
            "10",
            "--out",
            out.toString());

    assertThat(run.code()).as(run.out()).isZero();
    JsonNode r = Json.MAPPER.readTree(Files.readString(out.resolve("traffic.json")));
    assertThat(r.get("phases")).hasSize(3);
    for (JsonNode phase : r.get("phases")) {
      assertThat(phase.get("errors").asInt()).as(phase.toString()).isZero();
      assertThat(phase.get("requests").asInt()).isPositive();
      assertThat(phase.get("empty_share").asDouble()).as("every user has memories").isZero();
    }
    assertThat(r.get("saturation")).hasSize(2);
    for (JsonNode s : r.get("saturation")) {
      assertThat(s.get("messages").asInt()).as(s.toString()).isEqualTo(20);
      assertThat(s.get("stage_ms_per_message").get("embedding").asDouble()).isPositive();
    }
    assertThat(r.get("working_set_bytes_per_user").get("10").asLong()).isPositive();
    assertThat(run.out()).contains("context p95 while learning / idle", "learning lag");
  }
}
