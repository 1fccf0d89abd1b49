package dev.attune.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What {@link TrafficBench} measures, as records, and the small pieces it builds them with. */
final class TrafficFigures {
  private TrafficFigures() {}

  /** One answered context request: its latency from when it was due, and what came back. */
  record Answer(long nanos, boolean ok, boolean degraded, boolean empty) {}

  /** One phase's context figures. */
  record Phase(
      String name,
      int requests,
      int errors,
      double p50Ms,
      double p95Ms,
      double p99Ms,
      double degradedShare,
      double emptyShare) {}

  /** Learning at saturation on one kind of chat. */
  record Saturation(
      String chats,
      int messages,
      double messagesPerSecond,
      double charsPerSecond,
      double processCpuMsPerMessage,
      Map<String, Double> stageMsPerMessage) {}

  static String format(Map<String, Double> perMessage) {
    StringBuilder b = new StringBuilder();
    perMessage.forEach(
        (k, v) -> b.append(b.isEmpty() ? "" : ", ").append(String.format("%s %.2f", k, v)));
    return b.toString();
  }

  /** Exchanges of two one-line synthetic sentences, as {@code bench context} observes. */
  static List<RealChats.Exchange> shortSentences(int n) {
    SyntheticData synth = new SyntheticData(31);
    List<RealChats.Exchange> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new RealChats.Exchange(synth.message(), synth.message()));
    }
    return out;
  }

  /** Context answers into a phase's figures. */
  record PhaseBuilder(List<Answer> answers) {
    Phase named(String name) {
      List<Answer> ok = answers.stream().filter(Answer::ok).toList();
      Percentiles p = Percentiles.of(ok.stream().mapToLong(Answer::nanos).toArray());
      return new Phase(
          name,
          answers.size(),
          answers.size() - ok.size(),
          p.p50Ms(),
          p.p95Ms(),
          p.p99Ms(),
          ok.stream().filter(Answer::degraded).count() / (double) Math.max(1, ok.size()),
          ok.stream().filter(Answer::empty).count() / (double) Math.max(1, ok.size()));
    }
  }
}
