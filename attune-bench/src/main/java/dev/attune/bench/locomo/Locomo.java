package dev.attune.bench.locomo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.bench.JsonFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** The LoCoMo file (locomo10.json), read into records, with evidence ids normalized. */
public final class Locomo {
  private static final DateTimeFormatter SESSION_DATE =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .appendPattern("h:mm a 'on' d MMMM, yyyy")
          .toFormatter(Locale.ENGLISH);
  private static final Pattern SESSION_KEY = Pattern.compile("session_(\\d+)");
  private static final Pattern EVIDENCE = Pattern.compile("D:?(\\d+):0*(\\d+)");

  /** Category names from the dataset's description. */
  public static final Map<Integer, String> CATEGORIES =
      Map.of(1, "multi-hop", 2, "temporal", 3, "open-domain", 4, "single-hop", 5, "adversarial");

  public record Turn(String diaId, String speaker, String text, @Nullable String caption) {
    /** The message content: the text, and an image's caption where the turn shared one. */
    public String content() {
      return caption == null ? text : text + " [shares an image: " + caption + "]";
    }
  }

  public record Session(int number, Instant start, List<Turn> turns) {}

  /**
   * @param evidence normalized evidence ids that exist in the conversation
   * @param rawEvidence the evidence as written in the file
   */
  public record Question(
      String text, int category, List<String> evidence, List<String> rawEvidence) {}

  /**
   * A fact the dataset's authors generated about one speaker from the turns in {@code evidence}
   * (normalized, existing ids only).
   */
  public record Observation(String speaker, String text, List<String> evidence) {}

  public record Conversation(
      String sampleId,
      String speakerA,
      String speakerB,
      List<Session> sessions,
      List<Question> questions,
      List<Observation> observations) {
    public Set<String> turnIds() {
      Set<String> ids = new LinkedHashSet<>();
      sessions.forEach(s -> s.turns().forEach(t -> ids.add(t.diaId())));
      return ids;
    }

    public List<Turn> turns() {
      List<Turn> all = new ArrayList<>();
      sessions.forEach(s -> all.addAll(s.turns()));
      return all;
    }
  }

  private Locomo() {}

  public static List<Conversation> read(Path file) throws IOException {
    JsonNode root = JsonFiles.read("--dataset", file);
    if (!root.isArray()) {
      throw new IllegalArgumentException(
          "--dataset: " + file + " is not a JSON list of conversations (LoCoMo's locomo10.json)");
    }
    List<Conversation> out = new ArrayList<>();
    for (JsonNode c : root) {
      String where = file.getFileName() + ", conversation " + out.size();
      try {
        out.add(conversation(c, where));
      } catch (DateTimeParseException | NumberFormatException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage());
      }
    }
    return out;
  }

  private static Conversation conversation(JsonNode c, String where) {
    JsonNode conv = JsonFiles.field(c, "conversation", where);
    List<Session> sessions = new ArrayList<>();
    for (Iterator<String> it = conv.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      Matcher m = SESSION_KEY.matcher(key);
      if (!m.matches() || !conv.get(key).isArray() || conv.get(key).isEmpty()) {
        continue;
      }
      int n = Integer.parseInt(m.group(1));
      JsonNode date = JsonFiles.field(conv, key + "_date_time", where);
      Instant start =
          LocalDateTime.parse(date.asText().strip(), SESSION_DATE).toInstant(ZoneOffset.UTC);
      List<Turn> turns = new ArrayList<>();
      for (JsonNode t : conv.get(key)) {
        String at = where + ", " + key + " turn " + turns.size();
        JsonNode caption = t.get("blip_caption");
        turns.add(
            new Turn(
                JsonFiles.field(t, "dia_id", at).asText(),
                JsonFiles.field(t, "speaker", at).asText(),
                t.path("text").asText(""),
                caption == null || caption.isNull() ? null : caption.asText()));
      }
      sessions.add(new Session(n, start, turns));
    }
    sessions.sort((a, b) -> Integer.compare(a.number(), b.number()));
    Set<String> ids = new LinkedHashSet<>();
    sessions.forEach(s -> s.turns().forEach(t -> ids.add(t.diaId())));

    List<Question> questions = new ArrayList<>();
    for (JsonNode q : JsonFiles.field(c, "qa", where)) {
      String at = where + ", question " + questions.size();
      List<String> raw = new ArrayList<>();
      q.path("evidence").forEach(e -> raw.add(e.asText()));
      questions.add(
          new Question(
              JsonFiles.field(q, "question", at).asText(),
              (int) JsonFiles.number(q, "category", at),
              normalize(raw, ids),
              raw));
    }
    // "observation": {"session_N_observation": {speaker: [[fact, evidence], ...]}}, where the
    // evidence is an id, a list of ids, or ids in one string.
    List<Observation> observations = new ArrayList<>();
    for (JsonNode session : c.path("observation")) {
      for (Map.Entry<String, JsonNode> bySpeaker : session.properties()) {
        for (JsonNode fact : bySpeaker.getValue()) {
          if (!fact.isArray() || fact.size() < 2) {
            continue;
          }
          List<String> raw = new ArrayList<>();
          if (fact.get(1).isArray()) {
            fact.get(1).forEach(e -> raw.add(e.asText()));
          } else {
            raw.add(fact.get(1).asText());
          }
          observations.add(
              new Observation(bySpeaker.getKey(), fact.get(0).asText(), normalize(raw, ids)));
        }
      }
    }
    return new Conversation(
        c.path("sample_id").asText(),
        JsonFiles.field(conv, "speaker_a", where).asText(),
        JsonFiles.field(conv, "speaker_b", where).asText(),
        sessions,
        questions,
        observations);
  }

  /**
   * Evidence ids as the turns spell them: "D8:6; D9:17" splits in two, "D:11:26" becomes "D11:26",
   * "D30:05" becomes "D30:5"; ids no turn has are dropped.
   */
  static List<String> normalize(List<String> raw, Set<String> turnIds) {
    Set<String> out = new LinkedHashSet<>();
    for (String r : raw) {
      Matcher m = EVIDENCE.matcher(r);
      while (m.find()) {
        String id = "D" + Integer.parseInt(m.group(1)) + ":" + Integer.parseInt(m.group(2));
        if (turnIds.contains(id)) {
          out.add(id);
        }
      }
    }
    return List.copyOf(out);
  }
}
