package dev.attune.bench;

import dev.attune.bench.locomo.Locomo;
import dev.attune.bench.prefeval.PrefEvalData;
import dev.attune.core.model.Role;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Chats as users and models write them, read from the evaluation datasets: prefeval-dev's filler
 * conversations (short user turns, long assistant replies, as the datasets hold them, uncut) and
 * LoCoMo's sessions (each session's first speaker as the user, the other as the assistant). An
 * exchange is a user turn and the reply after it; the queries are the user turns, the next thing a
 * user of such a chat would ask.
 */
record RealChats(List<Exchange> exchanges, List<String> queries) {

  /** One user turn and the reply to it. */
  record Exchange(String user, String assistant) {
    int chars() {
      return user.length() + assistant.length();
    }
  }

  /**
   * Reads both datasets and interleaves their exchanges, one of each in turn, the smaller set taken
   * again from its start until the larger is used up: any run of them is half assistant chats
   * (prefeval-dev: short questions, long answers) and half LoCoMo's conversations.
   *
   * @throws IllegalArgumentException naming the option whose path is missing or malformed
   */
  static RealChats read(Path prefeval, Path locomo) throws IOException {
    List<Exchange> fromPrefEval = new ArrayList<>();
    PrefEvalData.Dataset data =
        PrefEvalData.read(prefeval, prefeval.resolve("filtered_inter_turns.json"));
    for (List<PrefEvalData.Msg> chat : data.fillers()) {
      pair(
          chat.stream().map(m -> new Turn(m.role() == Role.USER, m.content())).toList(),
          fromPrefEval);
    }
    List<Exchange> fromLocomo = new ArrayList<>();
    for (Locomo.Conversation c : Locomo.read(locomo)) {
      for (Locomo.Session s : c.sessions()) {
        if (s.turns().isEmpty()) {
          continue;
        }
        String first = s.turns().get(0).speaker();
        pair(
            s.turns().stream().map(t -> new Turn(t.speaker().equals(first), t.text())).toList(),
            fromLocomo);
      }
    }
    if (fromPrefEval.isEmpty() || fromLocomo.isEmpty()) {
      throw new IllegalArgumentException(
          (fromPrefEval.isEmpty() ? "--prefeval" : "--locomo")
              + " holds no user turn with a reply after it");
    }
    int n = Math.max(fromPrefEval.size(), fromLocomo.size());
    List<Exchange> all = new ArrayList<>(2 * n);
    for (int i = 0; i < n; i++) {
      all.add(fromPrefEval.get(i % fromPrefEval.size()));
      all.add(fromLocomo.get(i % fromLocomo.size()));
    }
    return new RealChats(all, all.stream().map(Exchange::user).toList());
  }

  private record Turn(boolean user, String text) {}

  /** Each non-blank user turn with the non-blank reply right after it. */
  private static void pair(List<Turn> turns, List<Exchange> out) {
    for (int i = 0; i + 1 < turns.size(); i++) {
      Turn a = turns.get(i);
      Turn b = turns.get(i + 1);
      if (a.user() && !b.user() && !a.text().isBlank() && !b.text().isBlank()) {
        out.add(new Exchange(a.text(), b.text()));
        i++;
      }
    }
  }

  /** Mean characters of the user turns and of the replies. */
  double[] meanChars() {
    return new double[] {
      exchanges.stream().mapToInt(e -> e.user().length()).average().orElse(0),
      exchanges.stream().mapToInt(e -> e.assistant().length()).average().orElse(0)
    };
  }
}
