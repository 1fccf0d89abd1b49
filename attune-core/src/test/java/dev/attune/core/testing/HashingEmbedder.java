package dev.attune.core.testing;

import dev.attune.core.port.Embedder;
import dev.attune.core.retrieval.TextAnalyzer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deterministic stand-in for a real embedding model: analyzed terms hashed into a fixed number of
 * dimensions, L2-normalized. Texts that share terms are close; it needs no model files.
 */
public final class HashingEmbedder implements Embedder {
  private final String modelId;
  private final int dims;
  private final AtomicLong calls = new AtomicLong();

  public HashingEmbedder(String modelId, int dims) {
    this.modelId = modelId;
    this.dims = dims;
  }

  public HashingEmbedder() {
    this("test-hashing-64", 64);
  }

  @Override
  public String modelId() {
    return modelId;
  }

  @Override
  public int dimensions() {
    return dims;
  }

  /** How many texts were embedded. */
  public long texts() {
    return calls.get();
  }

  @Override
  public List<float[]> embedAll(List<String> texts) {
    calls.addAndGet(texts.size());
    List<float[]> out = new ArrayList<>(texts.size());
    for (String text : texts) {
      float[] v = new float[dims];
      for (String term : TextAnalyzer.english().terms(text)) {
        int h = term.hashCode();
        v[Math.floorMod(h, dims)] += 1;
        v[Math.floorMod(h * 31 + 7, dims)] += 0.5f;
      }
      double norm = 0;
      for (float x : v) {
        norm += x * x;
      }
      if (norm > 0) {
        float inv = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dims; i++) {
          v[i] *= inv;
        }
      }
      out.add(v);
    }
    return out;
  }
}
