package dev.attune.core.learning;

import dev.attune.core.model.ChangeKind;
import dev.attune.core.model.Embedding;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryChange;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.Provenance;
import dev.attune.core.model.SourceRef;
import dev.attune.core.model.UserId;
import dev.attune.core.port.Candidate;
import dev.attune.core.port.ConsolidationJudge;
import dev.attune.core.retrieval.TextAnalyzer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The deterministic consolidation rules. For each candidate, in order:
 *
 * <ol>
 *   <li>a near-duplicate of an active memory of the same category (same terms, or cosine at least
 *       {@link #DUPLICATE_COSINE}) <b>reinforces</b> it: more confidence, more sources;
 *   <li>a candidate that sets a slot (location, role...) to a new value, or says a value no longer
 *       holds ("switched from Python to Go"), <b>supersedes</b> the active memory that held the old
 *       value: that memory's validity closes and it stays in history;
 *   <li>anything else is <b>added</b>.
 * </ol>
 *
 * With a {@link ConsolidationJudge} (a chat model), candidates that none of these rules settle but
 * that are close to active memories ({@link #ambiguous}) are decided by the judge instead: add,
 * reinforce a given memory, or supersede it.
 *
 * <p>Nothing is ever deleted here. Thread-safe (stateless).
 */
public final class Consolidator {
  /** Cosine similarity (same model) at or above which two facts of a category are one fact. */
  public static final double DUPLICATE_COSINE = 0.92;

  /** Share of shared analyzed terms at or above which two facts are one fact. */
  public static final double DUPLICATE_JACCARD = 0.8;

  /** Cosine at or above which a candidate is close enough to a memory to ask a judge. */
  public static final double CLOSE_COSINE = 0.75;

  /** Share of shared terms at or above which a candidate is close enough to ask a judge. */
  public static final double CLOSE_JACCARD = 0.4;

  private final TextAnalyzer analyzer = TextAnalyzer.english();

  /**
   * The candidates the deterministic rules do not settle but that are close to active memories of
   * their category (at most 3 each, closest first): the cases to ask a judge about.
   */
  public List<ConsolidationJudge.Case> ambiguous(
      List<Candidate> candidates, List<@Nullable Embedding> vectors, List<Memory> active) {
    List<ConsolidationJudge.Case> out = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      Candidate c = candidates.get(i);
      Embedding vector = vectors.get(i);
      if (findDuplicate(c, vector, active) != null || !findReplaced(c, active).isEmpty()) {
        continue;
      }
      Set<String> terms = new HashSet<>(analyzer.terms(c.text()));
      List<Map.Entry<Memory, Double>> close = new ArrayList<>();
      for (Memory m : active) {
        if (m.category() != c.category()) {
          continue;
        }
        double score = jaccard(terms, new HashSet<>(analyzer.terms(m.text())));
        boolean near = score >= CLOSE_JACCARD;
        if (vector != null
            && m.embedding() != null
            && m.embedding().model().equals(vector.model())) {
          double cos = dot(vector.vector(), m.embedding().vector());
          near |= cos >= CLOSE_COSINE;
          score = Math.max(score, cos);
        }
        if (near) {
          close.add(Map.entry(m, score));
        }
      }
      if (!close.isEmpty()) {
        close.sort(Map.Entry.<Memory, Double>comparingByValue().reversed());
        out.add(
            new ConsolidationJudge.Case(
                i, c, close.stream().limit(3).map(Map.Entry::getKey).toList()));
      }
    }
    return out;
  }

  /**
   * What consolidation decided, ready to write in one transaction.
   *
   * @param memories new and changed memories
   * @param changes their history entries
   * @param added ids of added memories
   * @param reinforced ids of reinforced memories
   * @param superseded ids of superseded memories
   */
  public record Outcome(
      List<Memory> memories,
      List<MemoryChange> changes,
      List<MemoryId> added,
      List<MemoryId> reinforced,
      List<MemoryId> superseded) {}

  /**
   * Consolidates candidates against the user's active memories.
   *
   * @param user whose memories
   * @param candidates extracted candidates, in message order
   * @param vectors each candidate's embedding (same order), or null entries where there is none
   * @param active the user's active memories
   * @param sources the observed messages the candidates cite, by message id
   * @param actor who caused the changes, for history (e.g. {@code extractor:heuristic})
   * @param now the clock's now
   */
  public Outcome consolidate(
      UserId user,
      List<Candidate> candidates,
      List<@Nullable Embedding> vectors,
      List<Memory> active,
      Map<String, SourceRef> sources,
      String actor,
      Instant now) {
    return consolidate(user, candidates, vectors, active, sources, actor, now, Map.of(), actor);
  }

  /**
   * Consolidates as above, following a judge's decisions for the candidates it decided.
   *
   * @param decisions by candidate index; a decision naming a memory that is no longer active falls
   *     back to the rules
   * @param judgeActor who the judged changes are attributed to, e.g. {@code judge:openai:gpt-4o}
   */
  public Outcome consolidate(
      UserId user,
      List<Candidate> candidates,
      List<@Nullable Embedding> vectors,
      List<Memory> active,
      Map<String, SourceRef> sources,
      String actor,
      Instant now,
      Map<Integer, ConsolidationJudge.Decision> decisions,
      String judgeActor) {
    // Working copy: memories as they stand after each decision, keyed by id.
    Map<MemoryId, Memory> current = new LinkedHashMap<>();
    for (Memory m : active) {
      current.put(m.id(), m);
    }
    Map<MemoryId, Memory> touched = new LinkedHashMap<>();
    List<MemoryChange> changes = new ArrayList<>();
    List<MemoryId> added = new ArrayList<>();
    List<MemoryId> reinforced = new ArrayList<>();
    List<MemoryId> superseded = new ArrayList<>();

    for (int i = 0; i < candidates.size(); i++) {
      Candidate c = candidates.get(i);
      Embedding vector = vectors.get(i);
      List<SourceRef> refs = new ArrayList<>();
      for (String id : c.sourceMessageIds()) {
        SourceRef ref = sources.get(id);
        if (ref != null) {
          refs.add(ref);
        }
      }
      Instant stated = refs.isEmpty() ? now : refs.get(refs.size() - 1).timestamp();

      ConsolidationJudge.Decision decision = decisions.get(i);
      Memory target =
          decision == null || decision.target() == null ? null : current.get(decision.target());
      if (decision != null
          && decision.action() != ConsolidationJudge.Action.ADD
          && target == null) {
        decision = null; // it names a memory that is gone: the rules decide
      }
      String by = decision != null ? judgeActor : actor;
      Memory duplicate;
      if (decision != null && decision.action() == ConsolidationJudge.Action.REINFORCE) {
        duplicate = target;
      } else if (decision != null) {
        duplicate = null;
      } else {
        duplicate = findDuplicate(c, vector, current.values());
      }
      if (duplicate != null) {
        double confidence =
            Math.min(0.99, duplicate.confidence() + (1 - duplicate.confidence()) * 0.3);
        Memory updated = duplicate.reinforced(confidence, duplicate.provenance().plus(refs), now);
        current.put(updated.id(), updated);
        touched.put(updated.id(), updated);
        if (!added.contains(updated.id()) && !reinforced.contains(updated.id())) {
          reinforced.add(updated.id());
        }
        changes.add(
            new MemoryChange(
                updated.id(),
                now,
                ChangeKind.REINFORCED,
                by,
                null,
                c.text(),
                null,
                c.sourceMessageIds()));
        continue;
      }

      MemoryId id = MemoryId.random();
      List<Memory> replaced =
          decision != null
                  && decision.action() == ConsolidationJudge.Action.SUPERSEDE
                  && target != null
              ? List.of(target)
              : findReplaced(c, current.values());
      for (Memory old : replaced) {
        Memory closed = old.supersededBy(id, stated, now);
        current.remove(old.id());
        touched.put(closed.id(), closed);
        superseded.add(closed.id());
        changes.add(
            new MemoryChange(
                old.id(),
                now,
                ChangeKind.SUPERSEDED,
                by,
                old.text(),
                c.text(),
                id,
                c.sourceMessageIds()));
      }
      Memory created =
          Memory.create(
                  id,
                  user,
                  c.text(),
                  c.category(),
                  c.slot(),
                  c.confidence(),
                  Provenance.observed(refs),
                  stated,
                  now)
              .withEmbedding(vector);
      current.put(id, created);
      touched.put(id, created);
      added.add(id);
      changes.add(
          new MemoryChange(
              id,
              now,
              ChangeKind.CREATED,
              by,
              null,
              c.text(),
              replaced.isEmpty() ? null : replaced.get(0).id(),
              c.sourceMessageIds()));
    }
    return new Outcome(List.copyOf(touched.values()), changes, added, reinforced, superseded);
  }

  private @Nullable Memory findDuplicate(
      Candidate c, @Nullable Embedding vector, Iterable<Memory> memories) {
    Set<String> terms = new HashSet<>(analyzer.terms(c.text()));
    Memory best = null;
    double bestScore = 0;
    for (Memory m : memories) {
      if (m.category() != c.category()) {
        continue;
      }
      if (c.slot() != null && m.slot() != null && !c.slot().equals(m.slot())) {
        continue;
      }
      if (c.slot() != null
          && c.slot().equals(m.slot())
          && c.value() != null
          && !mentions(m.text(), c.value())) {
        // Same attribute, a value the memory does not hold: a change, not a repeat.
        continue;
      }
      double score = jaccard(terms, new HashSet<>(analyzer.terms(m.text())));
      if (score < DUPLICATE_JACCARD
          && vector != null
          && m.embedding() != null
          && m.embedding().model().equals(vector.model())) {
        double cos = dot(vector.vector(), m.embedding().vector());
        score = cos >= DUPLICATE_COSINE ? Math.max(score, cos) : score;
      }
      boolean sameValue = c.slot() != null && c.slot().equals(m.slot()) && c.value() != null;
      if ((score >= DUPLICATE_JACCARD || score >= DUPLICATE_COSINE || sameValue)
          && score >= bestScore) {
        best = m;
        bestScore = score;
      }
    }
    return best;
  }

  private static List<Memory> findReplaced(Candidate c, Iterable<Memory> memories) {
    List<Memory> out = new ArrayList<>();
    for (Memory m : memories) {
      boolean sameSlot = c.slot() != null && c.slot().equals(m.slot());
      boolean saidGone =
          c.replaces() != null && m.category() == c.category() && mentions(m.text(), c.replaces());
      if (sameSlot || saidGone) {
        out.add(m);
      }
    }
    return out;
  }

  /** True if {@code text} contains {@code value} as whole words, ignoring case. */
  static boolean mentions(String text, String value) {
    Pattern p =
        Pattern.compile(
            "(?<![\\p{L}\\p{N}])"
                + Pattern.quote(value.toLowerCase(Locale.ROOT))
                + "(?![\\p{L}\\p{N}])");
    return p.matcher(text.toLowerCase(Locale.ROOT)).find();
  }

  private static double jaccard(Set<String> a, Set<String> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return 0;
    }
    int shared = 0;
    for (String t : a) {
      if (b.contains(t)) {
        shared++;
      }
    }
    return (double) shared / (a.size() + b.size() - shared);
  }

  private static double dot(float[] a, float[] b) {
    if (a.length != b.length) {
      return 0;
    }
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }
}
