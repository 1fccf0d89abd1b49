package dev.attune.api;

/**
 * {@code GET /health}: the node answers, and how far learning is behind.
 *
 * @param learning what is accepted and not yet learned
 */
public record HealthBody(String status, String version, Learning learning) {
  /**
   * @param backlog observations accepted and not yet learned (every tenant)
   * @param lagSeconds how long the oldest of them has waited
   */
  public record Learning(long backlog, double lagSeconds) {}
}
