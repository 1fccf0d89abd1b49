package dev.attune.core.retrieval;

import java.time.Duration;
import java.util.Objects;

/**
 * The knobs of hybrid retrieval. The defaults were chosen with the LoCoMo evidence-recall harness
 * ({@code ./attune eval locomo}); change them only with its numbers in hand.
 *
 * @param fusion how lexical and dense rankings are combined
 * @param rrfK the k of reciprocal rank fusion (larger flattens rank differences)
 * @param lexicalWeight weight of the BM25 ranking (or normalized score, for linear fusion)
 * @param denseWeight weight of the cosine ranking (or score)
 * @param candidates how deep each ranking is read before fusion
 * @param recencyWeight how much a fresh item gains over an old one (0 = none)
 * @param recencyHalfLife age at which the recency gain halves
 * @param confidenceWeight how much a memory's confidence scales its score (0 = none, 1 = fully)
 * @param memoryWeight multiplier for memories against raw episodes
 * @param assistantWeight multiplier for the assistant's messages against the user's own: what the
 *     user said is what the pack is about; an assistant's answer is mostly general knowledge that
 *     shares words with many requests
 * @param lexicalContext how many preceding messages of the same session are indexed (lexically)
 *     with each message, so an answer is found by the words of the question it answers
 * @param neighbourSmoothing share of the adjacent same-session messages' scores added to a
 *     message's score (it is shown with them)
 * @param denseContext likewise for the embedding: how many preceding messages of the session are
 *     embedded with each message (applies when messages are observed or reindexed)
 * @param minRelevance with linear fusion, documents whose fused relevance (before recency and
 *     confidence) is below this are not retrieved at all (0..1)
 * @param denseContextChars the most characters of the preceding messages embedded with a message
 *     (their end, from a word boundary): the question an answer follows, not the whole of a long
 *     reply before a short question (at least 1)
 * @param userPassages the most passages of a long user message embedded, from its start (each at
 *     most {@link Passages#MAX_CHARS} characters, about 125 tokens); the rest is still found by its
 *     words (at least 2: a long message with one vector reads as embedded whole)
 * @param assistantPassages likewise for the assistant's replies, which count for less in retrieval
 *     and are what grows with the model's length (at least 2)
 */
public record RetrievalPolicy(
    Fusion fusion,
    int rrfK,
    double lexicalWeight,
    double denseWeight,
    int candidates,
    double recencyWeight,
    Duration recencyHalfLife,
    double confidenceWeight,
    double memoryWeight,
    double assistantWeight,
    int lexicalContext,
    double neighbourSmoothing,
    int denseContext,
    double minRelevance,
    int denseContextChars,
    int userPassages,
    int assistantPassages) {

  /** How the two rankings become one. */
  public enum Fusion {
    /** Reciprocal rank fusion: sum of weight / (k + rank). */
    RRF,
    /** Weighted sum of calibrated BM25 (query coverage) and cosine. */
    LINEAR
  }

  public RetrievalPolicy {
    Objects.requireNonNull(fusion, "fusion");
    Objects.requireNonNull(recencyHalfLife, "recencyHalfLife");
    if (rrfK < 1) {
      throw new IllegalArgumentException("rrfK must be >= 1, got " + rrfK);
    }
    if (lexicalWeight < 0 || denseWeight < 0 || lexicalWeight + denseWeight <= 0) {
      throw new IllegalArgumentException(
          "lexicalWeight and denseWeight must be >= 0 and not both 0");
    }
    if (candidates < 1) {
      throw new IllegalArgumentException("candidates must be >= 1, got " + candidates);
    }
    if (recencyWeight < 0 || confidenceWeight < 0 || confidenceWeight > 1 || memoryWeight <= 0) {
      throw new IllegalArgumentException(
          "recencyWeight >= 0, confidenceWeight within 0..1 and memoryWeight > 0 are required");
    }
    if (!(assistantWeight > 0 && assistantWeight <= 1)) {
      throw new IllegalArgumentException(
          "assistantWeight must be within (0, 1], got " + assistantWeight);
    }
    if (lexicalContext < 0 || lexicalContext > 5) {
      throw new IllegalArgumentException(
          "lexicalContext must be within 0..5, got " + lexicalContext);
    }
    if (neighbourSmoothing < 0 || neighbourSmoothing > 1) {
      throw new IllegalArgumentException(
          "neighbourSmoothing must be within 0..1, got " + neighbourSmoothing);
    }
    if (!(minRelevance >= 0 && minRelevance <= 1)) {
      throw new IllegalArgumentException("minRelevance must be within 0..1, got " + minRelevance);
    }
    // Two passages at least: a long message with one vector reads as embedded whole.
    if (denseContextChars < 1 || userPassages < 2 || assistantPassages < 2) {
      throw new IllegalArgumentException(
          "denseContextChars must be >= 1, userPassages and assistantPassages >= 2");
    }
    if (recencyHalfLife.isNegative() || recencyHalfLife.isZero()) {
      throw new IllegalArgumentException("recencyHalfLife must be positive");
    }
  }

  /** This policy with the assistant's messages weighed by {@code weight}. */
  public RetrievalPolicy withAssistantWeight(double weight) {
    return new RetrievalPolicy(
        fusion,
        rrfK,
        lexicalWeight,
        denseWeight,
        candidates,
        recencyWeight,
        recencyHalfLife,
        confidenceWeight,
        memoryWeight,
        weight,
        lexicalContext,
        neighbourSmoothing,
        denseContext,
        minRelevance,
        denseContextChars,
        userPassages,
        assistantPassages);
  }

  public static RetrievalPolicy defaults() {
    return new RetrievalPolicy(
        Fusion.LINEAR,
        60,
        0.5,
        0.5,
        200,
        0.1,
        Duration.ofDays(180),
        0.5,
        1.0,
        0.5,
        1,
        0.2,
        1,
        0.0,
        1000,
        8,
        2);
  }
}
