package io.poolscope.collector.internal.fleet;

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
    HistogramView useHistogram) {

  /** Cumulative, reset-safe buckets; {@code counts} are per bucket, not cumulative. */
  public record HistogramView(double[] bounds, long[] counts, double sum) {}
}
