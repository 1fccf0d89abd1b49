package dev.attune.bench;

/**
 * A tiny conversation in LoCoMo's format (written for the tests): two sessions between Ana and Ben,
 * and four questions (one with an answer in another speaker's turn, one adversarial, one whose
 * evidence does not exist).
 */
public final class TinyLocomo {
  private TinyLocomo() {}

  public static final String CONVERSATION =
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
}
