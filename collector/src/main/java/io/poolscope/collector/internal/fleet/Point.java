package io.poolscope.collector.internal.fleet;

/**
 * One decoded data point of a contract metric. {@code attr} carries the metric's distinguishing
 * attribute: connection state, leak state, {@code error.type} or, for pool counters, pool type.
 * {@code poolType} is {@code poolscope.pool.type} when a pool metric carries it.
 *
 * @param histogram bucket data, only for histogram metrics
 * @param dbUser {@code db.user} of a {@code poolscope.connection.open} point, null when not sent
 * @param refusedLimit {@code poolscope.refused.limit} of a {@code poolscope.connection.refused}
 *     point (server, reserved, role, database, account or unknown), null when not sent
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
    long startNanos,
    String dbUser,
    String refusedLimit) {

  /** A point without the database user or refusal limit. */
  public Point(
      String metric,
      Temporality temporality,
      TargetKey target,
      String pool,
      String attr,
      String poolType,
      double value,
      Histogram histogram,
      long startNanos) {
    this(
        metric,
        temporality,
        target,
        pool,
        attr,
        poolType,
        value,
        histogram,
        startNanos,
        null,
        null);
  }

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
