package dev.attune.core;

import dev.attune.core.api.ExtractionBuffer;
import dev.attune.core.api.Priorities;
import dev.attune.core.assembly.AssemblyPolicy;
import dev.attune.core.learning.Compressor;
import dev.attune.core.learning.ExtractiveSummarizer;
import dev.attune.core.learning.HeuristicExtractor;
import dev.attune.core.model.DataPolicy;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.StoreException;
import dev.attune.core.port.ConsolidationJudge;
import dev.attune.core.port.Embedder;
import dev.attune.core.port.EmbedderProvider;
import dev.attune.core.port.EngineMetrics;
import dev.attune.core.port.Extractor;
import dev.attune.core.port.Store;
import dev.attune.core.port.StoreProvider;
import dev.attune.core.port.Summarizer;
import dev.attune.core.port.TokenCounter;
import dev.attune.core.retrieval.DecayPolicy;
import dev.attune.core.retrieval.RetrievalPolicy;
import dev.attune.core.tokens.TokenCounters;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * Configures an {@link Attune}: {@code Attune.builder()...build()}. Only a store is required
 * ({@link #dataDir} or {@link #store}); the embedder defaults to the one found on the class path
 * (attune-models' local all-MiniLM-L6-v2), the extractor to the offline {@link HeuristicExtractor},
 * the tokenizer to {@code cl100k_base}, the clock to the system clock.
 */
public final class AttuneBuilder {
  // Package-private: the engine's constructor reads them.
  @Nullable Store store;
  @Nullable String location;
  @Nullable Embedder embedder;
  Extractor extractor = new HeuristicExtractor();
  TokenCounter tokens = TokenCounters.cl100k();
  InstantSource clock = InstantSource.system();
  EngineMetrics metrics = EngineMetrics.NOOP;
  Priorities priorities = Priorities.defaults();
  RetrievalPolicy retrievalPolicy = RetrievalPolicy.defaults();
  AssemblyPolicy assemblyPolicy = AssemblyPolicy.defaults();
  long workingSetCacheBytes = 512L * 1024 * 1024;
  int workingSetEpisodes = 5_000;
  DataPolicy dataPolicy = DataPolicy.defaults();
  DecayPolicy decayPolicy = DecayPolicy.defaults();
  Duration episodeRetention = Duration.ofDays(90);
  Compressor compressor = Compressor.defaults();
  @Nullable ConsolidationJudge judge;
  ExtractionBuffer extractionBuffer = ExtractionBuffer.defaults();
  Summarizer summarizer = new ExtractiveSummarizer();
  Duration retentionSweepEvery = Duration.ofHours(1);
  boolean contextRecords = true;
  Duration contextRecordRetention = Duration.ofDays(30);
  int effectQueue = 10_000;
  String nodeId = "node_" + java.util.UUID.randomUUID().toString().replace("-", "");

  AttuneBuilder() {}

  /** Keep data in this directory (created if missing), with the embedded SQLite store. */
  public AttuneBuilder dataDir(Path dir) {
    this.location = Objects.requireNonNull(dir, "dir").toString();
    this.store = null;
    return this;
  }

  /** Keep data at a location a store adapter on the class path accepts (a directory or URL). */
  public AttuneBuilder storeLocation(String location) {
    this.location = Objects.requireNonNull(location, "location");
    this.store = null;
    return this;
  }

  /** Use this store; {@link Attune#close()} closes it. */
  public AttuneBuilder store(Store store) {
    this.store = Objects.requireNonNull(store, "store");
    this.location = null;
    return this;
  }

  public AttuneBuilder embedder(Embedder embedder) {
    this.embedder = Objects.requireNonNull(embedder, "embedder");
    return this;
  }

  public AttuneBuilder extractor(Extractor extractor) {
    this.extractor = Objects.requireNonNull(extractor, "extractor");
    return this;
  }

  public AttuneBuilder tokenCounter(TokenCounter tokens) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    return this;
  }

  public AttuneBuilder clock(InstantSource clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  public AttuneBuilder metrics(EngineMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    return this;
  }

  public AttuneBuilder priorities(Priorities priorities) {
    this.priorities = Objects.requireNonNull(priorities, "priorities");
    return this;
  }

  public AttuneBuilder retrievalPolicy(RetrievalPolicy policy) {
    this.retrievalPolicy = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /**
   * How long episodes (observed messages) are kept, counted from their timestamp (default 90 days);
   * {@link Duration#ZERO} keeps them forever. Memories are not affected: they keep the ids and
   * times of the messages they came from.
   *
   * @throws InvalidRequestException if negative
   */
  public AttuneBuilder episodeRetention(Duration retention) {
    this.episodeRetention = nonNegative("episode_retention", retention);
    return this;
  }

  /**
   * How often the retention sweep runs in the background (default every hour; the first run a
   * minute after start, or sooner if the interval is shorter); {@link Duration#ZERO} runs it only
   * when {@link Attune#purgeExpiredEpisodes()} is called.
   */
  public AttuneBuilder retentionSweepEvery(Duration every) {
    this.retentionSweepEvery = nonNegative("retention_sweep", every);
    return this;
  }

  /**
   * Whether every served pack is recorded (its id, arm, budget, tokens, and the ids, blocks and
   * token counts of its items, never their text), so that replies, feedback and corrections can be
   * traced to it. Default on; off, packs carry no {@code contextId} and no utilization is measured.
   */
  public AttuneBuilder contextRecords(boolean on) {
    this.contextRecords = on;
    return this;
  }

  /** How long context records are kept (default 30 days); the retention sweep deletes older. */
  public AttuneBuilder contextRecordRetention(Duration retention) {
    this.contextRecordRetention = nonNegative("context_records_retention", retention);
    return this;
  }

  /**
   * How many effectiveness events (context records, counters, reply matching) may wait for the
   * background writer (default 10,000); beyond that they are dropped and counted, never waited for.
   */
  public AttuneBuilder effectQueue(int capacity) {
    if (capacity < 1) {
      throw new InvalidRequestException("effect_queue", "effect_queue must be at least 1");
    }
    this.effectQueue = capacity;
    return this;
  }

  /**
   * This process's name in the store's work queues (default: random per process). A process
   * restarted with the same id takes back at once the observations and extraction batches it had
   * claimed when it died, instead of waiting for their leases to run out; two live processes must
   * never share one. {@code serve} keeps its id in the SQLite data directory.
   */
  public AttuneBuilder nodeId(String id) {
    this.nodeId = dev.attune.core.model.Ids.check("node_id", id);
    return this;
  }

  private static Duration nonNegative(String field, Duration d) {
    if (d.isNegative()) {
      throw new InvalidRequestException(field, field + " must not be negative; got " + d);
    }
    return d;
  }

  /**
   * When a category's memories are summarized, and how long the summary is (default: from 12
   * memories, 600 characters).
   */
  public AttuneBuilder compressor(Compressor compressor) {
    this.compressor = Objects.requireNonNull(compressor, "compressor");
    return this;
  }

  /** Who decides close calls in consolidation (default none: the deterministic rules decide). */
  public AttuneBuilder judge(@Nullable ConsolidationJudge judge) {
    this.judge = judge;
    return this;
  }

  /** How a batched extractor (a chat model) is fed (default {@link ExtractionBuffer#defaults}). */
  public AttuneBuilder extractionBuffer(ExtractionBuffer buffer) {
    this.extractionBuffer = Objects.requireNonNull(buffer, "buffer");
    return this;
  }

  /** Who writes summaries (default: extractive, offline). */
  public AttuneBuilder summarizer(Summarizer summarizer) {
    this.summarizer = Objects.requireNonNull(summarizer, "summarizer");
    return this;
  }

  /** How confidence fades with time (default {@link DecayPolicy#defaults()}). */
  public AttuneBuilder decayPolicy(DecayPolicy policy) {
    this.decayPolicy = Objects.requireNonNull(policy, "policy");
    return this;
  }

  public AttuneBuilder assemblyPolicy(AssemblyPolicy policy) {
    this.assemblyPolicy = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /**
   * The data policy for users without an org or whose org is not stored (default: every detector,
   * every category). An org's own policy is part of its profile.
   */
  public AttuneBuilder dataPolicy(DataPolicy policy) {
    this.dataPolicy = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /**
   * Memory for cached working sets, in bytes (default 512 MiB).
   *
   * @throws InvalidRequestException if below 1 MiB
   */
  public AttuneBuilder workingSetCacheBytes(long bytes) {
    if (bytes < 1024 * 1024) {
      throw new InvalidRequestException(
          "cache_bytes", "cache_bytes must be at least 1 MiB (1048576); got " + bytes);
    }
    this.workingSetCacheBytes = bytes;
    return this;
  }

  /**
   * How many of a user's most recent episodes a working set holds (default 5,000).
   *
   * @throws InvalidRequestException if below 1
   */
  public AttuneBuilder workingSetEpisodes(int episodes) {
    if (episodes < 1) {
      throw new InvalidRequestException(
          "working_set_episodes", "working_set_episodes must be at least 1; got " + episodes);
    }
    this.workingSetEpisodes = episodes;
    return this;
  }

  /**
   * Opens the store and starts the engine.
   *
   * @throws IllegalStateException when no store is configured, or no adapter accepts the location,
   *     or no embedder is configured or on the class path
   * @throws StoreException when the store cannot be opened
   */
  public Attune build() {
    Embedder e = embedder != null ? embedder : defaultEmbedder();
    Store s = store != null ? store : openStore();
    return new Attune(this, s, e);
  }

  private Store openStore() {
    if (location == null) {
      throw new IllegalStateException(
          "no store configured: call dataDir(path), storeLocation(url) or store(store)");
    }
    for (StoreProvider provider : ServiceLoader.load(StoreProvider.class)) {
      if (provider.accepts(location)) {
        return provider.open(location);
      }
    }
    throw new IllegalStateException(
        "no store adapter on the class path accepts '"
            + location
            + "': add dev.attune:attune-store-sqlite (a directory) or"
            + " dev.attune:attune-store-postgres (a jdbc:postgresql: URL)");
  }

  private static Embedder defaultEmbedder() {
    for (EmbedderProvider provider : ServiceLoader.load(EmbedderProvider.class)) {
      return provider.create();
    }
    throw new IllegalStateException(
        "no embedder configured and none on the class path: add dev.attune:attune-models"
            + " (the local all-MiniLM-L6-v2 model) or call embedder(..)");
  }
}
