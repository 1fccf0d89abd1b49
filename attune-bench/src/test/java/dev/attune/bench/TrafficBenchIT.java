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

  /** Two sessions in LoCoMo's format, as LocomoEvalIT's. */
  static final String LOCOMO =
      """
      [{"sample_id": "tiny",
        "conversation": {
          "speaker_a": "Ana", "speaker_b": "Ben",
          "session_1_date_time": "1:56 pm on 8 May, 2023",
          "session_1": [
            {"speaker": "Ana", "dia_id": "D1:1", "text": "I adopted a grey kitten called Pixel last week."},
            {"speaker": "Ben", "dia_id": "D1:2", "text": "Lovely! I started learning the cello."},
            {"speaker": "Ana", "dia_id": "D1:3", "text": "Nice, music is great.", "blip_caption": "a photo of a cello"}
          ],
          "session_2_date_time": "10:00 am on 20 June, 2023",
          "session_2": [
            {"speaker": "Ben", "dia_id": "D2:1", "text": "I moved to Lisbon for a new job at a bakery."},
            {"speaker": "Ana", "dia_id": "D2:2", "text": "Pixel knocked over my plants again."}
          ],
          "session_3_date_time": "10:00 am on 21 June, 2023"
        },
        "qa": [
          {"question": "What is the name of Ana's kitten?", "answer": "Pixel", "evidence": ["D1:1"], "category": 4},
          {"question": "Where did Ben move?", "answer": "Lisbon", "evidence": ["D:2:1"], "category": 1},
          {"question": "What instrument is Ben learning?", "evidence": ["D1:2"], "category": 5, "adversarial_answer": "piano"},
          {"question": "Who likes jazz?", "evidence": ["D7:7"], "category": 2}
        ]}]
      """;

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
    Path locomo = Files.writeString(dir.resolve("locomo.json"), LOCOMO);
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
