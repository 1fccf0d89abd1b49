package dev.attune.core.retrieval;

import dev.attune.core.model.Episode;
import dev.attune.core.model.Memory;
import dev.attune.core.model.Origin;
import dev.attune.core.model.Role;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Hybrid retrieval over a working set: BM25 and cosine rankings, fused, then weighed by recency and
 * confidence. Thread-safe.
 */
public final class Retriever {
  private final RetrievalPolicy policy;
  private final DecayPolicy decay;
  private final TextAnalyzer analyzer = TextAnalyzer.english();

  public Retriever(RetrievalPolicy policy) {
    this(policy, DecayPolicy.defaults());
  }

  /** A retriever that weighs memories by their decayed confidence and skips dormant ones. */
  public Retriever(RetrievalPolicy policy, DecayPolicy decay) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.decay = Objects.requireNonNull(decay, "decay");
  }

  public DecayPolicy decay() {
    return decay;
  }

  public RetrievalPolicy policy() {
    return policy;
  }

  /**
   * The best {@code limit} documents for the query whose relevance reaches the policy's floor, best
   * first. Fewer (or none) when few are relevant: a short answer beats one padded with the best of
   * the irrelevant.
   */
  public List<Hit> search(WorkingSet ws, RetrievalQuery query, Instant now, int limit) {
    int n = ws.docCount();
    if (n == 0 || limit <= 0) {
      return List.of();
    }
    float[] lexical = new float[n];
    ws.lexical().score(analyzer.terms(query.text()), lexical);
    float[] dense = new float[n];
    int[] passage = new int[n];
    boolean useDense = query.vector() != null;
    if (useDense) {
      ws.dense().score(query.vector(), dense, passage);
    }
    boolean[] allowed = new boolean[n];
    for (int d = 0; d < n; d++) {
      allowed[d] = admits(ws, d, query, now);
    }

    double[] fused = new double[n];
    int depth = policy.candidates();
    if (policy.fusion() == RetrievalPolicy.Fusion.RRF) {
      addRanks(lexical, allowed, depth, policy.lexicalWeight(), fused);
      if (useDense) {
        addRanks(dense, allowed, depth, policy.denseWeight(), fused);
      }
    } else {
      // Both signals are calibrated (lexical coverage of the query, cosine): no per-query
      // normalization, so the best of a set of weak hits stays weak.
      for (int d = 0; d < n; d++) {
        if (allowed[d]) {
          double cos = useDense ? Math.max(0, dense[d]) : 0;
          fused[d] = policy.lexicalWeight() * lexical[d] + policy.denseWeight() * cos;
        }
      }
    }

    if (policy.assistantWeight() < 1) {
      // Before smoothing: a user's message next to a matching answer inherits the weighed score,
      // so the answer itself (with the passage that matched) still ranks above it.
      int first = ws.episodeDoc(0);
      List<Episode> episodes = ws.episodes();
      for (int i = 0; i < episodes.size(); i++) {
        if (episodes.get(i).role() == Role.ASSISTANT) {
          fused[first + i] *= policy.assistantWeight();
        }
      }
    }
    if (policy.neighbourSmoothing() > 0) {
      fused = smoothed(ws, fused, allowed);
    }
    TopK best = new TopK(limit);
    double floor = policy.fusion() == RetrievalPolicy.Fusion.RRF ? 0 : policy.minRelevance();
    for (int d = 0; d < n; d++) {
      // The floor applies to relevance, before recency and confidence weigh in.
      if (fused[d] > 0 && fused[d] >= floor) {
        fused[d] *= weight(ws, d, now);
        best.offer(fused[d], d);
      }
    }
    int[] docs = best.docsBestFirst();
    List<Hit> hits = new ArrayList<>(docs.length);
    for (int d : docs) {
      hits.add(
          ws.isMemoryDoc(d)
              ? new Hit(d, fused[d], ws.memoryAt(d), null, 0)
              : new Hit(d, fused[d], null, ws.episodeAt(d), passage[d]));
    }
    return hits;
  }

  /**
   * A message is shown with its neighbours, so it is scored with them: its own score plus a share
   * of the same-session messages beside it.
   */
  private double[] smoothed(WorkingSet ws, double[] fused, boolean[] allowed) {
    double[] out = fused.clone();
    int first = ws.episodeDoc(0);
    List<dev.attune.core.model.Episode> episodes = ws.episodes();
    for (int i = 0; i < episodes.size(); i++) {
      int d = first + i;
      if (!allowed[d]) {
        continue;
      }
      double extra = 0;
      if (i > 0
          && java.util.Objects.equals(
              episodes.get(i - 1).sessionId(), episodes.get(i).sessionId())) {
        extra += fused[d - 1];
      }
      if (i + 1 < episodes.size()
          && java.util.Objects.equals(
              episodes.get(i + 1).sessionId(), episodes.get(i).sessionId())) {
        extra += fused[d + 1];
      }
      out[d] += policy.neighbourSmoothing() * extra;
    }
    return out;
  }

  private boolean admits(WorkingSet ws, int d, RetrievalQuery q, Instant now) {
    if (ws.isMemoryDoc(d)) {
      Memory m = ws.memoryAt(d);
      if (decay.isDormant(m, now) || m.provenance().origin() == Origin.SUMMARY) {
        return false;
      }
      if (!q.categories().isEmpty() && !q.categories().contains(m.category())) {
        return false;
      }
      return inRange(m.validFrom(), q.from(), q.to());
    }
    return q.categories().isEmpty() && inRange(ws.episodeAt(d).timestamp(), q.from(), q.to());
  }

  /**
   * True if {@code t} lies within [from, to] (either bound may be open). A memory is placed in time
   * by when it became true (an event by when it happened), an episode by when it was written.
   */
  public static boolean inRange(Instant t, @Nullable Instant from, @Nullable Instant to) {
    return (from == null || !t.isBefore(from)) && (to == null || !t.isAfter(to));
  }

  /** Adds weight / (k + rank) for the top {@code depth} positive scores, rank counted from 1. */
  private void addRanks(float[] scores, boolean[] allowed, int depth, double w, double[] out) {
    TopK top = new TopK(depth);
    for (int d = 0; d < scores.length; d++) {
      if (allowed[d] && scores[d] > 0) {
        top.offer(scores[d], d);
      }
    }
    int[] ranked = top.docsBestFirst();
    for (int rank = 0; rank < ranked.length; rank++) {
      out[ranked[rank]] += w / (policy.rrfK() + rank + 1);
    }
  }

  private double weight(WorkingSet ws, int d, Instant now) {
    Instant when;
    double confidence;
    double kind;
    if (ws.isMemoryDoc(d)) {
      Memory m = ws.memoryAt(d);
      when = m.lastConfirmedAt();
      confidence = decay.effectiveConfidence(m, now);
      kind = policy.memoryWeight();
    } else {
      when = ws.episodeAt(d).timestamp();
      confidence = 1;
      kind = 1;
    }
    double ageDays = Math.max(0, (now.toEpochMilli() - when.toEpochMilli()) / 86_400_000.0);
    double halfLifeDays = policy.recencyHalfLife().toMillis() / 86_400_000.0;
    double recency = Math.pow(0.5, ageDays / halfLifeDays);
    double confidenceFactor =
        1 - policy.confidenceWeight() + policy.confidenceWeight() * confidence;
    return kind * (1 + policy.recencyWeight() * recency) * confidenceFactor;
  }
}
