package dev.attune.core.retrieval;

import dev.attune.core.model.Embedding;
import dev.attune.core.model.Episode;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryStatus;
import dev.attune.core.model.UserRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * One user's retrievable state, loaded once and cached: active memories, recent episodes, and the
 * lexical and dense indexes over both. Immutable and thread-safe; a write for the user replaces the
 * whole working set rather than mutating it.
 *
 * <p>Documents are numbered memories first, then episodes in chronological order.
 */
public final class WorkingSet {
  private static final WorkingSet EMPTY =
      new WorkingSet(null, List.of(), List.of(), null, 0, 0, TextAnalyzer.english());

  private final @Nullable UserRecord user;
  private final List<Memory> memories;
  private final List<Episode> episodes;
  private final Map<String, Integer> episodePositions;
  private final LexicalIndex lexical;
  private final VectorIndex dense;
  private final @Nullable String modelId;
  private final int dims;
  private final int lexicalContext;
  private final TextAnalyzer analyzer;
  // Memory indices by confidence, then recency: the order of query-free facts.
  private final int[] byConfidence;
  // Per-document memo for the assembler (rendered line and its tokens), filled lazily.
  private final AtomicReferenceArray<Object> memo;

  private WorkingSet(
      @Nullable UserRecord user,
      List<Memory> memories,
      List<Episode> episodes,
      @Nullable String modelId,
      int dims,
      int lexicalContext,
      TextAnalyzer analyzer) {
    this(
        user,
        memories,
        vectorsOf(memories.stream().map(Memory::embedding).toList(), modelId),
        episodes,
        vectorsOf(episodes.stream().map(Episode::embedding).toList(), modelId),
        modelId,
        dims,
        lexicalContext,
        analyzer);
  }

  /** Records and their vectors (the records' own embeddings are dropped: the index holds them). */
  private WorkingSet(
      @Nullable UserRecord user,
      List<Memory> memories,
      List<@Nullable Object> memoryVectors,
      List<Episode> episodes,
      List<@Nullable Object> episodeVectors,
      @Nullable String modelId,
      int dims,
      int lexicalContext,
      TextAnalyzer analyzer) {
    this.user = user;
    this.modelId = modelId;
    this.dims = dims;
    this.lexicalContext = lexicalContext;
    this.analyzer = analyzer;
    List<List<String>> docs = new ArrayList<>(memories.size() + episodes.size());
    // Each a float[] (new, quantized by the index) or the index's Held codes of the set before.
    List<@Nullable Object> vectors = new ArrayList<>(docs.size());
    // Without a given length, the shortest vector's: a memory's, or a short message's.
    int shortest = Integer.MAX_VALUE;
    // Vectors move into the dense index; the records keep none, so each vector is held once.
    List<Memory> bareMemories = new ArrayList<>(memories.size());
    for (int i = 0; i < memories.size(); i++) {
      Memory m = memories.get(i);
      docs.add(analyzer.terms(m.text()));
      Object v = memoryVectors.get(i);
      vectors.add(v);
      shortest = Math.min(shortest, length(v));
      bareMemories.add(m.embedding() == null ? m : m.withEmbedding(null));
    }
    List<Episode> bareEpisodes = new ArrayList<>(episodes.size());
    for (int i = 0; i < episodes.size(); i++) {
      Episode e = episodes.get(i);
      List<String> terms = analyzer.terms(e.indexText());
      for (int c = 1; c <= lexicalContext && i - c >= 0; c++) {
        Episode before = episodes.get(i - c);
        if (java.util.Objects.equals(before.sessionId(), e.sessionId())) {
          terms.addAll(analyzer.terms(before.indexText()));
        }
      }
      docs.add(terms);
      Object v = episodeVectors.get(i);
      vectors.add(v);
      shortest = Math.min(shortest, length(v));
      bareEpisodes.add(e.embedding() == null ? e : e.withEmbedding(null));
    }
    this.memories = List.copyOf(bareMemories);
    this.episodes = List.copyOf(bareEpisodes);
    this.episodePositions = new HashMap<>();
    for (int i = 0; i < this.episodes.size(); i++) {
      episodePositions.put(this.episodes.get(i).messageId(), i);
    }
    this.lexical = LexicalIndex.build(docs);
    this.dense =
        VectorIndex.build(vectors, dims > 0 ? dims : shortest == Integer.MAX_VALUE ? 0 : shortest);
    this.memo = new AtomicReferenceArray<>(docs.size());
    Integer[] order = new Integer[this.memories.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(
        order,
        Comparator.comparingDouble((Integer i) -> -this.memories.get(i).confidence())
            .thenComparing(i -> this.memories.get(i).lastConfirmedAt(), Comparator.reverseOrder())
            .thenComparingInt(i -> i));
    this.byConfidence = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      byConfidence[i] = order[i];
    }
  }

  /**
   * Builds the working set. Only vectors made by {@code modelId} are used; others (from an older
   * model, before a reindex) count as missing, so vectors of different models are never compared.
   *
   * @param episodes chronological
   */
  public static WorkingSet build(
      @Nullable UserRecord user,
      List<Memory> memories,
      List<Episode> episodes,
      @Nullable String modelId) {
    return new WorkingSet(user, memories, episodes, modelId, 0, 0, TextAnalyzer.english());
  }

  /**
   * As {@link #build(UserRecord, List, List, String)}, for vectors of {@code dims} floats (a long
   * message's vector holds one such per passage, see {@link Passages}), indexing each message
   * lexically together with the {@code lexicalContext} messages before it in its session.
   */
  public static WorkingSet build(
      @Nullable UserRecord user,
      List<Memory> memories,
      List<Episode> episodes,
      @Nullable String modelId,
      int dims,
      int lexicalContext) {
    return new WorkingSet(
        user, memories, episodes, modelId, dims, lexicalContext, TextAnalyzer.english());
  }

  /** The working set of a user Attune has never heard of. */
  public static WorkingSet empty() {
    return EMPTY;
  }

  /** A vector's length in floats (one vector's, for held codes); MAX_VALUE for none. */
  private static int length(@Nullable Object v) {
    if (v instanceof float[] f) {
      return f.length;
    }
    if (v instanceof VectorIndex.Held h && h.codes().length > 0) {
      return h.codes()[0].length;
    }
    return Integer.MAX_VALUE;
  }

  /** The embedding's vector when {@code modelId} made it; null otherwise (counts as missing). */
  private static float @Nullable [] vectorOf(@Nullable Embedding e, @Nullable String modelId) {
    return e != null && e.model().equals(modelId) ? e.vector() : null;
  }

  private static List<@Nullable Object> vectorsOf(
      List<@Nullable Embedding> embeddings, @Nullable String modelId) {
    List<@Nullable Object> out = new ArrayList<>(embeddings.size());
    for (Embedding e : embeddings) {
      out.add(vectorOf(e, modelId));
    }
    return out;
  }

  /**
   * This working set with a write of the user's applied, as a reload from the store after it would
   * build it, without reading the store: {@code changed} memories replace theirs by id (or leave
   * the set when no longer active, or join it when new), {@code added} episodes join the end and
   * the oldest beyond {@code maxEpisodes} leave. Null when the write cannot be applied so (a user
   * not known to this set, an episode rewritten, or one older than the newest held): reload then.
   *
   * @param user the user row the write put, or null when it only touched it (at {@code at})
   */
  public @Nullable WorkingSet applying(
      @Nullable UserRecord user,
      Instant at,
      List<Memory> changed,
      List<Episode> added,
      int maxEpisodes) {
    if (this.user == null) {
      return null;
    }
    // Episodes: new ones after every held one, in the store's order (time, then arrival).
    Instant newest = episodes.isEmpty() ? null : episodes.get(episodes.size() - 1).timestamp();
    for (Episode e : added) {
      if (episodePositions.containsKey(e.messageId())
          || (newest != null && e.timestamp().isBefore(newest))) {
        return null;
      }
    }
    List<Episode> sortedAdded = new ArrayList<>(added);
    sortedAdded.sort(Comparator.comparing(Episode::timestamp)); // stable: arrival kept
    List<Episode> nextEpisodes = new ArrayList<>(episodes.size() + added.size());
    List<@Nullable Object> nextEpisodeVectors = new ArrayList<>(episodes.size() + added.size());
    for (int i = 0; i < episodes.size(); i++) {
      nextEpisodes.add(episodes.get(i));
      nextEpisodeVectors.add(dense.row(episodeDoc(i)));
    }
    List<@Nullable Object> addedVectors =
        vectorsOf(sortedAdded.stream().map(Episode::embedding).toList(), modelId);
    nextEpisodes.addAll(sortedAdded);
    nextEpisodeVectors.addAll(addedVectors);
    int drop = Math.max(0, nextEpisodes.size() - maxEpisodes);
    // Memories: replaced, removed or added by id, then in the store's order (newest first).
    Map<String, Memory> byId = new HashMap<>();
    for (Memory m : changed) {
      byId.put(m.id().value(), m);
    }
    record Row(Memory memory, @Nullable Object vector) {}
    List<Row> rows = new ArrayList<>(memories.size() + changed.size());
    for (int i = 0; i < memories.size(); i++) {
      Memory held = memories.get(i);
      Memory now = byId.remove(held.id().value());
      if (now == null) {
        rows.add(new Row(held, dense.row(memoryDoc(i))));
      } else if (now.status() == MemoryStatus.ACTIVE) {
        float[] v = vectorOf(now.embedding(), modelId);
        rows.add(new Row(now, v != null ? v : (Object) dense.row(memoryDoc(i))));
      }
    }
    for (Memory first : changed) {
      Memory m = byId.remove(first.id().value()); // the write's last version of a new memory
      if (m != null && m.status() == MemoryStatus.ACTIVE) {
        rows.add(new Row(m, vectorOf(m.embedding(), modelId)));
      }
    }
    rows.sort(
        Comparator.comparing((Row r) -> r.memory().createdAt())
            .thenComparing(r -> r.memory().id().value())
            .reversed());
    return new WorkingSet(
        user != null
            ? user
            : new UserRecord(
                this.user.id(), this.user.org(), this.user.profile(), this.user.createdAt(), at),
        rows.stream().map(Row::memory).toList(),
        rows.stream().map(Row::vector).toList(),
        nextEpisodes.subList(drop, nextEpisodes.size()),
        nextEpisodeVectors.subList(drop, nextEpisodeVectors.size()),
        modelId,
        dims,
        lexicalContext,
        analyzer);
  }

  /**
   * The active memories with their vectors (of this set's model) attached again, as the index holds
   * them (dequantized: within about 0.005 of the stored ones).
   */
  public List<Memory> memoriesWithVectors() {
    List<Memory> out = new ArrayList<>(memories.size());
    for (int i = 0; i < memories.size(); i++) {
      float[] v = dense.floats(memoryDoc(i));
      Memory m = memories.get(i);
      out.add(v == null || modelId == null ? m : m.withEmbedding(new Embedding(modelId, v)));
    }
    return out;
  }

  public @Nullable UserRecord user() {
    return user;
  }

  public boolean isEmpty() {
    return user == null && memories.isEmpty() && episodes.isEmpty();
  }

  /** Active memories, newest first, without their vectors (those live in the dense index). */
  public List<Memory> memories() {
    return memories;
  }

  /** Recent episodes, oldest first, without their vectors. */
  public List<Episode> episodes() {
    return episodes;
  }

  /** The episode's position in {@link #episodes()}, or -1. */
  public int episodePosition(String messageId) {
    return episodePositions.getOrDefault(messageId, -1);
  }

  int docCount() {
    return memories.size() + episodes.size();
  }

  boolean isMemoryDoc(int doc) {
    return doc < memories.size();
  }

  Memory memoryAt(int doc) {
    return memories.get(doc);
  }

  Episode episodeAt(int doc) {
    return episodes.get(doc - memories.size());
  }

  LexicalIndex lexical() {
    return lexical;
  }

  VectorIndex dense() {
    return dense;
  }

  /**
   * The passages of episode {@code i} of {@link #episodes()} that were embedded one by one (one
   * span covering the message when it was embedded whole).
   */
  public List<Passages.Span> passages(int i) {
    String content = episodes.get(i).content();
    return dense.passages(episodeDoc(i)) > 1
        ? Passages.split(content)
        : List.of(new Passages.Span(0, content.length()));
  }

  /** The document number of memory {@code i} in {@link #memories()}. */
  public int memoryDoc(int i) {
    return i;
  }

  /** The document number of episode {@code i} in {@link #episodes()}. */
  public int episodeDoc(int i) {
    return memories.size() + i;
  }

  /** Indices into {@link #memories()}, most confident first, then most recently confirmed. */
  public int[] memoriesByConfidence() {
    return byConfidence;
  }

  /**
   * A per-document memo, so work that depends only on the document (rendering, token counting) runs
   * once per working set rather than once per request. Racing computations are harmless: the
   * function must be deterministic.
   */
  @SuppressWarnings("unchecked")
  public <T> T memo(int doc, IntFunction<T> compute) {
    Object cached = memo.get(doc);
    if (cached == null) {
      cached = compute.apply(doc);
      memo.set(doc, cached);
    }
    return (T) cached;
  }

  /** Rough heap footprint, for the cache's weigher. */
  public long estimatedBytes() {
    long bytes = 256;
    for (Memory m : memories) {
      // Text twice: the record and its memoized rendered line.
      bytes += 4L * m.text().length() + 500;
    }
    for (Episode e : episodes) {
      bytes += 2L * e.content().length() + 300;
    }
    return bytes + lexical.estimatedBytes() + dense.estimatedBytes() + 4L * docCount();
  }
}
