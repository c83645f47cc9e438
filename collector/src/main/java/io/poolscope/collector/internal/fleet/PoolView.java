package io.poolscope.collector.internal.fleet;

import java.util.Map;

/**
 * Immutable figures of one pool at one moment. Optional figures (max, minIdle) are null when the
 * pool does not expose them.
 */
public record PoolView(
    TargetKey target,
    String name,
    String type,
    double used,
    double idle,
    Double max,
    Double minIdle,
    double pending,
    double waitP99,
    double useP99,
    double timeouts,
    double leaksSuspected,
    double leaksReturned,
    double leaksCollected,
    double oldestUse,
    double created,
    double closed,
    boolean stale,
    HistogramView waitHistogram,
    HistogramView useHistogram,
    Physical physical) {

  /**
   * The pool's physical connections: opened (the count of create times, reset-safe), closed by
   * {@code poolscope.close.reason}, the oldest one's age and the configured max lifetime in seconds
   * (null when not reported).
   */
  public record Physical(
      double created, Map<String, Double> closed, Double oldestAge, Double maxLifetime) {

    /** Physical connections closed for every reason. */
    public double closedTotal() {
      double n = 0;
      for (double v : closed.values()) {
        n += v;
      }
      return n;
    }
  }

  /** Cumulative, reset-safe buckets; {@code counts} are per bucket, not cumulative. */
  public record HistogramView(double[] bounds, long[] counts, double sum) {}
}
