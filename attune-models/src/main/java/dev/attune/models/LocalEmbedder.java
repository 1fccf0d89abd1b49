package dev.attune.models;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.attune.core.port.Embedder;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The local embedder: by default all-MiniLM-L6-v2, int8-quantized, 384 dimensions, run in process
 * by LangChain4j's ONNX integration (or another {@link LocalModel} whose jar is on the class path).
 * Works offline; the model ships inside its Maven jar. Vectors are L2-normalized. Thread-safe;
 * create one per process (loading takes about a second).
 */
public final class LocalEmbedder implements Embedder {
  /** The id stored beside every vector this model makes. */
  public static final String MODEL_ID = LocalModel.ALL_MINILM_L6_V2_Q.id();

  private static final int DIMENSIONS = 384;

  private final EmbeddingModel model;
  private final LocalModel kind;
  private final LearningLane lane;

  private LocalEmbedder(EmbeddingModel model, LocalModel kind, LearningLane lane) {
    this.model = model;
    this.kind = kind;
    this.lane = lane;
  }

  /** Loads the default model. See {@link #create(LocalModel)} for how it shares the cores. */
  public static LocalEmbedder create() {
    return create(LocalModel.ALL_MINILM_L6_V2_Q);
  }

  /**
   * Loads {@code model}. Serving comes first: a query is embedded on its caller's thread, and the
   * texts of a batch (what is learned: messages, memories) on a {@link LearningLane}: every core
   * while nothing is served, one fewer while queries are, so a batch never takes every core from
   * the queries beside it. The model's own ONNX session runs each text on the thread that asks (one
   * intra-op thread, no spinning): ONNX Runtime's default pool of spinning threads takes the
   * query's core while a batch runs. {@code ./attune bench embedder-threads} measures a query
   * beside a learning loop both ways (docs/benchmarks.md).
   *
   * @throws IllegalStateException naming the Maven artifact to add when its jar is not on the class
   *     path
   */
  public static LocalEmbedder create(LocalModel model) {
    int threads = Runtime.getRuntime().availableProcessors();
    AtomicInteger n = new AtomicInteger();
    LearningLane lane =
        new LearningLane(
            Executors.newFixedThreadPool(
                threads,
                r -> {
                  Thread t = new Thread(r, "attune-embedder-" + n.incrementAndGet());
                  t.setDaemon(true);
                  return t;
                }),
            threads);
    ClassLoader loader = LocalEmbedder.class.getClassLoader();
    try (InputStream graph = loader.getResourceAsStream(model.modelResource());
        InputStream tokenizer = loader.getResourceAsStream(model.tokenizerResource())) {
      if (graph == null || tokenizer == null) {
        throw new IllegalStateException(
            "embedding model " + model.id() + " is not on the class path: add " + model.artifact());
      }
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      OrtSession session;
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        session = env.createSession(graph.readAllBytes(), options);
      }
      OnnxBertBiEncoder encoder = new OnnxBertBiEncoder(env, session, tokenizer, model.pooling());
      return new LocalEmbedder(new Loaded(encoder, lane), model, lane);
    } catch (IOException | OrtException e) {
      throw new IllegalStateException("cannot load embedding model " + model.id() + ": " + e, e);
    }
  }

  /** LangChain4j's in-process model over the session made above. */
  private static final class Loaded extends AbstractInProcessEmbeddingModel {
    private final OnnxBertBiEncoder encoder;

    Loaded(OnnxBertBiEncoder encoder, Executor pool) {
      super(pool);
      this.encoder = encoder;
    }

    @Override
    protected OnnxBertBiEncoder model() {
      return encoder;
    }
  }

  @Override
  public String modelId() {
    return kind.id();
  }

  @Override
  public int dimensions() {
    return DIMENSIONS;
  }

  @Override
  public List<float[]> embedAll(List<String> texts) {
    if (texts.isEmpty()) {
      return List.of();
    }
    return embed(texts, kind.documentPrefix());
  }

  @Override
  public float[] embedQuery(String query) {
    lane.queried();
    return embed(List.of(query), kind.queryPrefix()).get(0);
  }

  private List<float[]> embed(List<String> texts, String prefix) {
    List<TextSegment> segments = new ArrayList<>(texts.size());
    for (String text : texts) {
      segments.add(TextSegment.from(prefix + readable(text)));
    }
    List<Embedding> embeddings = model.embedAll(segments).content();
    List<float[]> out = new ArrayList<>(embeddings.size());
    for (Embedding e : embeddings) {
      out.add(normalized(e.vector()));
    }
    return out;
  }

  /**
   * The text as the encoder can take it. The encoder rejects text that is empty once it drops
   * control characters and unpaired surrogates (a message of a NUL, or a broken emoji half, would
   * fail a whole observation), so those are dropped here first, as its own cleaning drops them;
   * white space stays as it is. Text with nothing left embeds as a lone full stop, "nothing in
   * particular". Text with nothing to drop is returned as it is, so it embeds exactly as before.
   */
  static String readable(String text) {
    StringBuilder out = null; // made only when something is dropped: most text passes as it is
    boolean words = false;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      int next = i + Character.charCount(cp);
      int type = Character.getType(cp);
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
        // Kept as it is (line breaks and tabs are control characters too): how a long text is
        // split into the encoder's windows depends on them.
        if (out != null) {
          out.appendCodePoint(cp);
        }
      } else if (type == Character.SURROGATE
          || type == Character.CONTROL
          || type == Character.FORMAT
          || type == Character.UNASSIGNED
          || type == Character.PRIVATE_USE) {
        if (out == null) {
          out = new StringBuilder(text.length()).append(text, 0, i);
        }
      } else {
        words = true;
        if (out != null) {
          out.appendCodePoint(cp);
        }
      }
      i = next;
    }
    if (!words) {
      return ".";
    }
    return out == null ? text : out.toString();
  }

  private static float[] normalized(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    if (norm == 0) {
      return v;
    }
    float inv = (float) (1 / Math.sqrt(norm));
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] * inv;
    }
    return out;
  }
}
