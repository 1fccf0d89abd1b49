package dev.attune.server.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * A token bucket per key: {@code burst} requests at once, refilled at {@code perSecond}. Returns
 * how long to wait when a key is over its rate. Thread-safe; buckets of idle keys expire.
 */
final class RateLimiter {
  private final double perSecond;
  private final double burst;
  private final Cache<String, Bucket> buckets =
      Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10)).build();

  RateLimiter(int perSecond, int burst) {
    this.perSecond = perSecond;
    this.burst = burst;
  }

  boolean enabled() {
    return perSecond > 0;
  }

  /** 0 if the request may proceed, else the seconds to wait before retrying (at least 1). */
  long acquire(String key, long nowNanos) {
    if (!enabled()) {
      return 0;
    }
    Bucket b = buckets.get(key, k -> new Bucket(burst, nowNanos));
    synchronized (b) {
      double elapsed = (nowNanos - b.last) / 1e9;
      b.tokens = Math.min(burst, b.tokens + elapsed * perSecond);
      b.last = nowNanos;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - b.tokens) / perSecond));
    }
  }

  private static final class Bucket {
    double tokens;
    long last;

    Bucket(double tokens, long last) {
      this.tokens = tokens;
      this.last = last;
    }
  }
}
