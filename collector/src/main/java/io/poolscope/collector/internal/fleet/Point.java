package io.poolscope.collector.internal.fleet;

/**
 * One decoded data point of a contract metric. {@code attr} carries the metric's distinguishing
 * attribute: connection state, leak state, {@code error.type} or, for pool counters, pool type.
 * {@code poolType} is {@code poolscope.pool.type} when a pool metric carries it.
 *
 * @param histogram bucket data, only for histogram metrics
 */
public record Point(
    String metric,
    Temporality temporality,
    TargetKey target,
    String pool,
    String attr,
    String poolType,
    double value,
    Histogram histogram,
    long startNanos) {

  /** How a value relates to earlier ones. */
  public enum Temporality {
    /** A current value. */
    GAUGE,
    /** A running total since {@code startNanos}. */
    CUMULATIVE,
    /** The change since the previous export. */
    DELTA
  }

  /** An explicit-bucket histogram point; {@code counts} has {@code bounds.length + 1} entries. */
  public record Histogram(double[] bounds, long[] counts, double sum, long count) {}
}
