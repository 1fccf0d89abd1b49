package dev.attune.core.api;

import dev.attune.core.model.InvalidRequestException;
import java.time.Duration;

/**
 * How a batched extractor (a chat model) is fed: a user's messages are stored at once and extracted
 * together when {@code maxMessages} have gathered or the user has sent nothing for {@code idle}; so
 * one conversation costs a few model calls, not one per message.
 *
 * @param maxMessages messages that make a full batch (also the most one call sees)
 * @param idle quiet time after which a partial batch is extracted
 * @param poll how often the buffer is checked
 * @param retryBase the wait before retrying a failed batch; it doubles with each failure, up to an
 *     hour
 * @param concurrency users extracted at the same time
 */
public record ExtractionBuffer(
    int maxMessages, Duration idle, Duration poll, Duration retryBase, int concurrency) {
  public ExtractionBuffer {
    if (maxMessages < 1 || maxMessages > 1000) {
      throw new InvalidRequestException(
          "extraction_batch_messages",
          "extraction_batch_messages must be within 1..1000; got " + maxMessages);
    }
    positive("extraction_idle", idle);
    positive("extraction_poll", poll);
    positive("extraction_retry", retryBase);
    if (concurrency < 1 || concurrency > 64) {
      throw new InvalidRequestException(
          "extraction_concurrency",
          "extraction_concurrency must be within 1..64; got " + concurrency);
    }
  }

  /** Batches of 20 messages, or after 30 s of quiet; polled every second; retried from 30 s. */
  public static ExtractionBuffer defaults() {
    return new ExtractionBuffer(
        20, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(30), 4);
  }

  /** The wait before the next attempt after {@code failures} failures. */
  public Duration retryAfter(int failures) {
    long factor = 1L << Math.min(20, Math.max(0, failures - 1));
    Duration wait = retryBase.multipliedBy(factor);
    return wait.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : wait;
  }

  private static void positive(String field, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new InvalidRequestException(field, field + " must be positive; got " + d);
    }
  }
}
