package dev.attune.core.port;

import java.util.List;

/**
 * Turns text into vectors. Vectors are L2-normalized, so cosine similarity is their dot product.
 * Implementations are thread-safe.
 */
public interface Embedder {
  /** Identifies the model; stored beside every vector it makes. */
  String modelId();

  /** Length of the vectors. */
  int dimensions();

  /** One vector per text, in order. */
  List<float[]> embedAll(List<String> texts);

  default float[] embed(String text) {
    return embedAll(List.of(text)).get(0);
  }
}
