package dev.attune.bench.extraction;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.api.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code eval extraction} end to end on a tiny conversation in LoCoMo's format (written here). */
class ExtractionEvalIT {
  @TempDir Path dir;

  static final String DATASET =
      """
      [{"sample_id": "tiny",
        "conversation": {
          "speaker_a": "Ana", "speaker_b": "Ben",
          "session_1_date_time": "1:56 pm on 8 May, 2023",
          "session_1": [
            {"speaker": "Ana", "dia_id": "D1:1", "text": "I adopted a grey kitten called Pixel last week."},
            {"speaker": "Ben", "dia_id": "D1:2", "text": "Lovely! Sounds fun."},
            {"speaker": "Ana", "dia_id": "D1:3", "text": "I am a big fan of hiking in the mountains near Porto."}
          ],
          "session_2_date_time": "10:00 am on 20 June, 2023",
          "session_2": [
            {"speaker": "Ben", "dia_id": "D2:1", "text": "I moved to Lisbon for a new job at a bakery."},
            {"speaker": "Ana", "dia_id": "D2:2", "text": "My cat Pixel knocked over my favourite plants again."}
          ]
        },
        "qa": [],
        "observation": {
          "session_1_observation": {
            "Ana": [["Ana adopted a grey kitten named Pixel.", "D1:1"]],
            "Ben": [["Ben thinks Ana's news sounds fun.", "D1:2"]]
          },
          "session_2_observation": {
            "Ben": [["Ben moved to Lisbon for a new job at a bakery.", ["D2:1"]]],
            "Ana": [["Ana's cat Pixel knocked over her plants.", "D2:2, D9:9"]]
          }
        }}]
      """;

  @Test
  void measuresCoverageAndAgreementPerConversation() throws Exception {
    Path dataset = Files.writeString(dir.resolve("tiny.json"), DATASET);
    Path out = dir.resolve("out");
    StringWriter text = new StringWriter();
    CommandLine cli = new CommandLine(new ExtractionEval());
    cli.setOut(new PrintWriter(text, true));

    int code = cli.execute("--dataset", dataset.toString(), "--out", out.toString());

    assertThat(code).as(text.toString()).isZero();
    JsonNode results = Json.MAPPER.readTree(Files.readString(out.resolve("results.json")));
    JsonNode overall = results.get("overall");
    // Four turns have an observation; Ben's "Lovely! Sounds fun." gives no memory.
    assertThat(overall.get("turns_with_observation").asInt()).isEqualTo(4);
    assertThat(overall.get("turns_covered").asInt()).isEqualTo(3);
    assertThat(overall.get("coverage").asDouble()).isEqualTo(0.75);
    // Ana's hiking (D1:3) has no observation: a memory that cannot agree, counted apart.
    assertThat(overall.get("memories_without_observation_at_their_turns").asInt()).isEqualTo(1);
    assertThat(overall.get("memories").asInt()).isEqualTo(4);
    assertThat(overall.get("memories_agreeing").asInt()).isEqualTo(3);
    assertThat(results.get("by_conversation").get("tiny").get("coverage").asDouble())
        .isEqualTo(0.75);
    assertThat(Files.readString(out.resolve("results.md"))).contains("| tiny | 4 | 3 | 0.750 |");
  }
}
