package dev.attune.core.port;

/**
 * Supplies the default {@link Embedder} when none is configured; model adapters register one
 * through {@link java.util.ServiceLoader}.
 */
public interface EmbedderProvider {
  /** The model id of the embedder {@link #create()} makes. */
  String modelId();

  Embedder create();
}
