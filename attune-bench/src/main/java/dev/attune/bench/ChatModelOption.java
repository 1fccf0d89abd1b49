package dev.attune.bench;

import dev.attune.core.Attune;
import dev.attune.core.AttuneBuilder;
import dev.attune.core.api.ExtractionBacklog;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.UsageMeter;
import dev.attune.models.chat.ChatModels;
import dev.attune.server.ServerConfig;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The evaluations' {@code --llm [--config FILE]}: learn with the chat model configured as for
 * {@code serve} instead of the offline extractor, and everything the model needs to have learned
 * before questions are asked.
 */
public final class ChatModelOption {
  @Option(
      names = "--llm",
      description =
          "Learn with the chat model configured as for serve (llm_provider, llm_base_url,"
              + " llm_model, llm_api_key, extraction_*: ATTUNE_* variables or the --config file)"
              + " instead of the offline extractor; what was observed is extracted before the"
              + " questions. Needs a reachable model; every message is sent to it.")
  boolean llm;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "With --llm: serve's configuration file to read the llm_* settings from.")
  @Nullable Path config;

  private @Nullable ServerConfig served;

  /**
   * Reads the chat model's settings when {@code --llm} is given.
   *
   * @throws IllegalArgumentException when {@code --llm} finds no model configured, or {@code
   *     --config} comes without it
   */
  public void resolve() {
    if (config != null && !llm) {
      throw new IllegalArgumentException("--config is read only with --llm");
    }
    if (!llm) {
      return;
    }
    ServerConfig cfg = ServerConfig.resolve(Map.of(), System.getenv(), config);
    if (!cfg.llm().enabled()) {
      throw new IllegalArgumentException(
          "--llm needs a chat model: set llm_provider (openai or anthropic) and llm_model, and"
              + " llm_base_url or llm_api_key as the provider needs, in ATTUNE_LLM_* variables"
              + " or the --config file");
    }
    served = cfg;
  }

  /** {@code builder} with the chat model's extractor, judge and extraction batching, if enabled. */
  public AttuneBuilder apply(AttuneBuilder builder) {
    if (served != null) {
      ChatModels models = new ChatModels(served.llm(), UsageMeter.NOOP);
      builder
          .extractor(models.extractor())
          .judge(models.judge())
          .extractionBuffer(served.extraction());
    }
    return builder;
  }

  /** What learned: "heuristic (offline)" or the provider and model. */
  private String extractor() {
    return served == null
        ? "heuristic (offline)"
        : served.llm().provider().wireName() + " " + served.llm().model();
  }

  /**
   * With a chat model, returns once every message the users sent is extracted or failed. The model
   * extracts in batches: the background flusher takes full ones as they gather, and what is left is
   * taken here, a batch per user per pass. A batch the model fails is put off and counted by {@link
   * #failedMessages}, not waited for.
   */
  public void extractAll(Attune attune, TenantId tenant, Collection<UserId> users) {
    if (served == null) {
      return;
    }
    while (due(attune, tenant) > 0) {
      for (UserId user : users) {
        attune.flushExtraction(tenant, user);
      }
      if (due(attune, tenant) > 0) {
        // The background flusher holds a batch, or more batches are due: look again shortly,
        // rather than asking the store in a tight loop.
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while extracting", e);
        }
      }
    }
  }

  /** Messages of the tenant awaiting extraction that never failed (those the loop waits for). */
  private static long due(Attune attune, TenantId tenant) {
    ExtractionBacklog backlog = attune.extractionBacklog(tenant);
    return backlog.awaiting() - backlog.failedAtLeastOnce();
  }

  /** Messages of the tenant the model failed to extract (their questions went without them). */
  public long failedMessages(Attune attune, TenantId tenant) {
    return served == null ? 0 : attune.extractionBacklog(tenant).failedAtLeastOnce();
  }

  /** The results' record of it: the extractor, and with a model the messages it failed. */
  public void describe(Map<String, Object> config, long failedMessages) {
    config.put("extractor", extractor());
    if (served != null) {
      // A run with many is not a measure of the model.
      config.put("extraction_failed_messages", failedMessages);
    }
  }
}
