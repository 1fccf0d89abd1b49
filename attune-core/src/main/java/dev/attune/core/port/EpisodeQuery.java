package dev.attune.core.port;

import org.jspecify.annotations.Nullable;

/**
 * Which of a user's episodes to read: the {@code limit} most recent (by timestamp, then message
 * id), optionally of one session, returned oldest first.
 *
 * @param sessionId only this session's episodes; null for all
 * @param limit how many at most
 */
public record EpisodeQuery(@Nullable String sessionId, int limit) {
  public EpisodeQuery {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, got " + limit);
    }
  }

  public static EpisodeQuery latest(int limit) {
    return new EpisodeQuery(null, limit);
  }

  public static EpisodeQuery all() {
    return new EpisodeQuery(null, Integer.MAX_VALUE);
  }
}
