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

  /** One text's vector, embedded as a document (what is stored and searched). */
  default float[] embed(String text) {
    return embedAll(List.of(text)).get(0);
  }

  /**
   * A request's query as a vector. Models trained to embed queries and documents differently (a
   * query instruction or prefix) override this; for the others a query is embedded as any text.
   */
  default float[] embedQuery(String query) {
    return embed(query);
  }
}
