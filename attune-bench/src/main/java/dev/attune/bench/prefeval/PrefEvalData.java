package dev.attune.bench.prefeval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.bench.JsonFiles;
import dev.attune.core.model.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A PrefEval-shaped dataset (a folder of {@code explicit_preference/<topic>.json} files and a file
 * of filler conversations) and the simulated users the protocol in its SOURCE.md builds from it.
 */
public final class PrefEvalData {
  /** Filler conversations contribute their first this many messages. */
  static final int FILLER_MESSAGES = 6;

  /** A filler message's content is cut at this many characters. */
  static final int FILLER_CHARS = 4_000;

  /** Filler conversations observed after each preference. */
  static final int FILLERS_PER_TOPIC = 2;

  /** When the first simulated message is written; every user's timeline starts here. */
  static final Instant START = Instant.parse("2026-01-05T09:00:00Z");

  /** Between two messages of a session. */
  static final Duration BETWEEN_MESSAGES = Duration.ofSeconds(20);

  /** Between the starts of two sessions. */
  static final Duration BETWEEN_SESSIONS = Duration.ofMinutes(10);

  public record Item(String preference, String question) {}

  public record Topic(String name, List<Item> items) {}

  public record Msg(Role role, String content) {}

  /**
   * @param fillers the filler conversations in the file's order (an index names one)
   */
  public record Dataset(List<Topic> topics, List<List<Msg>> fillers) {}

  /** One observed message of a simulated user. */
  record Turn(String id, Role role, String content, Instant at) {}

  record Session(String id, List<Turn> turns) {}

  /**
   * A later request that depends on a stated preference.
   *
   * @param preferenceId the id of the message that stated it
   */
  record Probe(String topic, String preference, String question, String preferenceId) {}

  record SimUser(String id, List<Session> sessions, List<Probe> probes) {
    List<Turn> turns() {
      List<Turn> all = new ArrayList<>();
      sessions.forEach(s -> all.addAll(s.turns()));
      return all;
    }

    /** Just after the user's last message: when the requests are asked. */
    Instant askedAt() {
      List<Turn> all = turns();
      return all.get(all.size() - 1).at().plus(Duration.ofMinutes(1));
    }
  }

  private PrefEvalData() {}

  /**
   * Reads the topics under {@code dir/explicit_preference} (sorted by name) and the filler
   * conversations in {@code fillers}.
   *
   * @throws IllegalArgumentException naming the file when it is missing or not of the expected
   *     shape
   */
  public static Dataset read(Path dir, Path fillers) throws IOException {
    Path topicsDir = dir.resolve("explicit_preference");
    if (!Files.isDirectory(topicsDir)) {
      throw new IllegalArgumentException(
          "--dataset: "
              + topicsDir
              + " is not a directory (expected <dataset>/explicit_preference)");
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(topicsDir)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("--dataset: no <topic>.json files in " + topicsDir);
    }
    List<Topic> topics = new ArrayList<>();
    for (Path f : files) {
      JsonNode root = JsonFiles.read("--dataset", f);
      List<Item> items = new ArrayList<>();
      for (JsonNode n : root) {
        if (!n.hasNonNull("preference") || !n.hasNonNull("question")) {
          throw new IllegalArgumentException(
              f + ": every item needs 'preference' and 'question' (item " + items.size() + ")");
        }
        items.add(new Item(n.get("preference").asText(), n.get("question").asText()));
      }
      if (items.isEmpty()) {
        throw new IllegalArgumentException(f + ": no items");
      }
      String name = f.getFileName().toString();
      topics.add(new Topic(name.substring(0, name.length() - ".json".length()), items));
    }
    List<List<Msg>> conversations = new ArrayList<>();
    for (JsonNode c : JsonFiles.read("--fillers", fillers)) {
      List<Msg> msgs = new ArrayList<>();
      for (JsonNode m : c.path("conversation")) {
        msgs.add(new Msg(Role.parse("role", m.path("role").asText()), m.path("content").asText()));
      }
      if (msgs.isEmpty()) {
        throw new IllegalArgumentException(
            fillers + ": filler conversation " + conversations.size() + " has no messages");
      }
      conversations.add(msgs);
    }
    if (conversations.isEmpty()) {
      throw new IllegalArgumentException(fillers + ": no filler conversations");
    }
    return new Dataset(topics, conversations);
  }

  /**
   * The protocol's users. User {@code u} takes the topics in the order of a shuffle seeded with
   * {@code u}; for each, the preference {@code items[u % items]} as a user message (id {@code
   * pref-<topic>-<u>}) and the assistant's "Thanks, noted." in a session of their own, then {@link
   * #FILLERS_PER_TOPIC} filler conversations drawn with the same random, each in its own session:
   * their first {@link #FILLER_MESSAGES} messages, cut at {@link #FILLER_CHARS} characters.
   */
  static List<SimUser> simulate(Dataset data, int users) {
    List<SimUser> out = new ArrayList<>(users);
    for (int u = 0; u < users; u++) {
      Random random = new Random(u);
      List<Topic> order = new ArrayList<>(data.topics());
      Collections.shuffle(order, random);
      List<Session> sessions = new ArrayList<>();
      List<Probe> probes = new ArrayList<>();
      Instant sessionStart = START;
      for (Topic topic : order) {
        Item item = topic.items().get(u % topic.items().size());
        String prefId = "pref-" + topic.name() + "-" + u;
        sessions.add(
            session(
                "s-" + topic.name(),
                sessionStart,
                List.of(
                    new Msg(Role.USER, item.preference()),
                    new Msg(Role.ASSISTANT, "Thanks, noted.")),
                i -> i == 0 ? prefId : prefId + "-ack"));
        probes.add(new Probe(topic.name(), item.preference(), item.question(), prefId));
        sessionStart = sessionStart.plus(BETWEEN_SESSIONS);
        for (int f = 0; f < FILLERS_PER_TOPIC; f++) {
          int pick = random.nextInt(data.fillers().size());
          List<Msg> cut = asObserved(data.fillers().get(pick));
          String sessionId = "s-" + topic.name() + "-filler-" + f;
          String prefix = "fill-" + topic.name() + "-" + f + "-" + u + "-";
          sessions.add(session(sessionId, sessionStart, cut, i -> prefix + i));
          sessionStart = sessionStart.plus(BETWEEN_SESSIONS);
        }
      }
      out.add(new SimUser("user-" + u, sessions, probes));
    }
    return out;
  }

  /**
   * A filler conversation as the protocol observes it: its first {@link #FILLER_MESSAGES} messages,
   * each cut at {@link #FILLER_CHARS} characters.
   */
  public static List<Msg> asObserved(List<Msg> filler) {
    List<Msg> cut = new ArrayList<>();
    for (Msg m : filler.subList(0, Math.min(FILLER_MESSAGES, filler.size()))) {
      String content =
          m.content().length() > FILLER_CHARS
              ? m.content().substring(0, FILLER_CHARS)
              : m.content();
      cut.add(new Msg(m.role(), content));
    }
    return cut;
  }

  private static Session session(
      String id, Instant start, List<Msg> messages, java.util.function.IntFunction<String> ids) {
    List<Turn> turns = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      Msg m = messages.get(i);
      // Blank filler messages exist in the wild; observe refuses empty content.
      String content = m.content().isBlank() ? "(empty message)" : m.content();
      turns.add(
          new Turn(ids.apply(i), m.role(), content, start.plus(BETWEEN_MESSAGES.multipliedBy(i))));
    }
    return new Session(id, turns);
  }
}
