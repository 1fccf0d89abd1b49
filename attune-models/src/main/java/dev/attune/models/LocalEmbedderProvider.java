package dev.attune.models;

import dev.attune.core.port.Embedder;
import dev.attune.core.port.EmbedderProvider;

/** Makes {@link LocalEmbedder} the default embedder when attune-models is on the class path. */
public final class LocalEmbedderProvider implements EmbedderProvider {
  @Override
  public String modelId() {
    return LocalEmbedder.MODEL_ID;
  }

  @Override
  public Embedder create() {
    return LocalEmbedder.create();
  }
}
