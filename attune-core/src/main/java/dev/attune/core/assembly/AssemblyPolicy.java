package dev.attune.core.assembly;

import java.time.Duration;
import java.util.Objects;

/**
 * How context is assembled.
 *
 * @param sessionTurns how many recent messages of the active session the session block offers
 * @param activeSessionWindow a session counts as active (when the request names none) if its last
 *     message is at most this old
 * @param windowBefore messages before a retrieved past message, of the same session, included with
 *     it as context
 * @param windowAfter messages after it, likewise
 * @param maxWindowOverlap a retrieved message is left out when more than this many messages of its
 *     window are already shown by better-ranked windows
 * @param maxItemTokens an item's text is cut to this many tokens
 * @param neighbourTokens the messages shown around a retrieved message are cut to this many
 * @param queryFreeFacts how many facts a request without a query gets (by confidence and recency)
 * @param maxBlockItems most candidates any block offers to the budget fit (a pack of a thousand
 *     tokens holds a few dozen items; offering thousands only costs time)
 * @param answerReserveTokens with a model context window, tokens kept free for the answer (at most
 *     a quarter of the window)
 * @param messageOverheadTokens tokens a chat message costs beyond its content (role and framing)
 */
public record AssemblyPolicy(
    int sessionTurns,
    Duration activeSessionWindow,
    int windowBefore,
    int windowAfter,
    int maxItemTokens,
    int neighbourTokens,
    int queryFreeFacts,
    int maxBlockItems,
    int answerReserveTokens,
    int messageOverheadTokens) {
  public AssemblyPolicy {
    Objects.requireNonNull(activeSessionWindow, "activeSessionWindow");
    if (sessionTurns < 0
        || windowBefore < 0
        || windowAfter < 0
        || maxItemTokens < 8
        || neighbourTokens < 8
        || queryFreeFacts < 0
        || maxBlockItems < 1
        || answerReserveTokens < 0
        || messageOverheadTokens < 0) {
      throw new IllegalArgumentException(
          "assembly policy values must be >= 0 (maxItemTokens >= 8): " + this);
    }
  }

  public static AssemblyPolicy defaults() {
    return new AssemblyPolicy(12, Duration.ofMinutes(30), 1, 1, 200, 60, 20, 40, 1024, 4);
  }
}
