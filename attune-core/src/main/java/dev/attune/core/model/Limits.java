package dev.attune.core.model;

/**
 * Input limits, enforced before anything is written. They are part of the public contract and are
 * listed in the README.
 */
public final class Limits {
  /** Longest message content accepted by observe, in characters. */
  public static final int MAX_MESSAGE_CHARS = 32_000;

  /** Most messages in one observe call. */
  public static final int MAX_MESSAGES_PER_OBSERVE = 1_000;

  /** Longest memory text (added or edited explicitly), in characters. */
  public static final int MAX_MEMORY_CHARS = 2_000;

  /** Largest token budget a context request may ask for. */
  public static final int MAX_BUDGET_TOKENS = 1_000_000;

  /** Longest query, in characters. */
  public static final int MAX_QUERY_CHARS = 8_000;

  /** Longest single profile or org text value, in characters. */
  public static final int MAX_PROFILE_VALUE_CHARS = 2_000;

  /** Most entries in one profile or org list or map (preferences, attributes, compliance...). */
  public static final int MAX_PROFILE_ENTRIES = 200;

  /** Most characters of a message's display name. */
  public static final int MAX_NAME_CHARS = 128;

  /** Longest a context request may wait for retrieval before answering degraded, milliseconds. */
  public static final int MAX_CONTEXT_TIMEOUT_MS = 60_000;

  private Limits() {}

  /**
   * True if {@code text} holds no control character (NUL included) and no half of a surrogate pair:
   * what a name or label stored as it is (PostgreSQL refuses a NUL in text) must be.
   */
  public static boolean isPrintable(String text) {
    return text.codePoints()
        .noneMatch(
            cp -> Character.isISOControl(cp) || Character.getType(cp) == Character.SURROGATE);
  }
}
