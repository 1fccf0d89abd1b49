package dev.attune.core.port;

import dev.attune.core.model.TenantId;
import java.time.Duration;

/**
 * Receives every call to a chat model, for metering per tenant. Implementations must be cheap and
 * thread-safe; the default does nothing.
 */
public interface UsageMeter {
  UsageMeter NOOP = call -> {};

  /**
   * One model call: what it was for, its token counts (as the provider reported them), how long it
   * took and whether it succeeded.
   *
   * @param operation {@code extract}, {@code judge} or {@code summarize}
   * @param model the provider and model, e.g. {@code openai:gpt-4o-mini}
   */
  record ModelCall(
      TenantId tenant,
      String operation,
      String model,
      long inputTokens,
      long outputTokens,
      Duration latency,
      boolean ok) {}

  void record(ModelCall call);
}
