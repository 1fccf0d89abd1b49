package dev.attune.core.internal;

import dev.attune.core.model.Embedding;
import dev.attune.core.model.Episode;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.Embedder;
import dev.attune.core.port.EpisodeQuery;
import dev.attune.core.port.MemoryStore;
import dev.attune.core.retrieval.Passages;
import dev.attune.core.retrieval.RetrievalPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a message is embedded from, and its vector: the message after the {@code denseContext}
 * messages before it in its session, so that an answer carries the question it answers; or, for a
 * long message, each of its {@link Passages} on its own, the vectors joined into one embedding.
 */
public final class EpisodeVectors {
  private final MemoryStore store;
  private final Embedder embedder;
  private final int denseContext;
  private final int contextChars;
  private final int userPassages;
  private final int assistantPassages;

  public EpisodeVectors(MemoryStore store, Embedder embedder, RetrievalPolicy policy) {
    this.store = store;
    this.embedder = embedder;
    this.denseContext = policy.denseContext();
    this.contextChars = policy.denseContextChars();
    this.userPassages = policy.userPassages();
    this.assistantPassages = policy.assistantPassages();
  }

  /** Stored messages that precede a new batch in its sessions, then the batch: oldest first. */
  public List<Episode> timeline(TenantId tenant, UserId user, List<Episode> batch) {
    List<Episode> timeline = new ArrayList<>();
    if (denseContext > 0) {
      batch.stream()
          .map(Episode::sessionId)
          .filter(Objects::nonNull)
          .distinct()
          .forEach(
              session ->
                  timeline.addAll(
                      store.episodes(tenant, user, new EpisodeQuery(session, denseContext))));
    }
    timeline.addAll(batch);
    return timeline;
  }

  /**
   * The texts each message of {@code batch} is embedded from (one, or one per passage). {@code
   * timeline} holds, oldest first, every message that may precede one of the batch (the batch
   * included).
   */
  public List<List<String>> texts(List<Episode> timeline, List<Episode> batch) {
    Map<String, String> texts = new HashMap<>();
    Map<String, List<Episode>> sessions = new HashMap<>();
    for (Episode e : timeline) {
      List<Episode> before =
          sessions.computeIfAbsent(String.valueOf(e.sessionId()), k -> new ArrayList<>());
      StringBuilder context = new StringBuilder();
      if (e.sessionId() != null) {
        for (Episode p : before.subList(Math.max(0, before.size() - denseContext), before.size())) {
          context.append(p.indexText()).append('\n');
        }
      }
      texts.put(e.messageId(), tail(context, contextChars) + e.indexText());
      before.add(e);
    }
    List<List<String>> out = new ArrayList<>(batch.size());
    for (Episode e : batch) {
      List<Passages.Span> passages = Passages.split(e.content());
      if (passages.size() == 1) {
        out.add(List.of(texts.get(e.messageId())));
      } else {
        String who = e.speaker() == null ? "" : e.speaker() + ": ";
        int most = e.role() == Role.ASSISTANT ? assistantPassages : userPassages;
        out.add(passages.stream().limit(most).map(p -> who + p.of(e.content())).toList());
      }
    }
    return out;
  }

  /** The last {@code most} characters of {@code text}, from a word boundary when it is cut. */
  static String tail(CharSequence text, int most) {
    if (text.length() <= most) {
      return text.toString();
    }
    int from = text.length() - most;
    while (from < text.length() && !Character.isWhitespace(text.charAt(from - 1))) {
      from++;
    }
    return text.subSequence(from < text.length() ? from : text.length() - most, text.length())
        .toString();
  }

  /** Each message's vectors (one, or one per passage) as one embedding, in order. */
  public List<@Nullable Embedding> joined(List<List<String>> texts, List<float[]> vectors) {
    int dims = embedder.dimensions();
    List<@Nullable Embedding> out = new ArrayList<>(texts.size());
    int at = 0;
    for (List<String> parts : texts) {
      if (parts.size() == 1) {
        out.add(embedding(vectors.get(at)));
      } else {
        float[] all = new float[parts.size() * dims];
        for (int i = 0; i < parts.size(); i++) {
          System.arraycopy(vectors.get(at + i), 0, all, i * dims, dims);
        }
        out.add(embedding(all));
      }
      at += parts.size();
    }
    return out;
  }

  /** The vector with the model that made it, or null. */
  public @Nullable Embedding embedding(float @Nullable [] vector) {
    return vector == null ? null : new Embedding(embedder.modelId(), vector);
  }
}
