package dev.attune.core.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A vector and the id of the model that made it. Vectors of different models are never compared.
 *
 * @param model the embedding model's id, e.g. {@code all-minilm-l6-v2-q}
 * @param vector the L2-normalized vector; treat as read-only
 */
public record Embedding(String model, float[] vector) {
  public Embedding {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(vector, "vector");
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Embedding that
        && model.equals(that.model)
        && Arrays.equals(vector, that.vector);
  }

  @Override
  public int hashCode() {
    return 31 * model.hashCode() + Arrays.hashCode(vector);
  }

  @Override
  public String toString() {
    return "Embedding[" + model + ", " + vector.length + " dims]";
  }
}
