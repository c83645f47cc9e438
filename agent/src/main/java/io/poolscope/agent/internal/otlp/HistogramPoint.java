package io.poolscope.agent.internal.otlp;

import io.opentelemetry.api.common.Attributes;

/** A point of an explicit-bucket histogram. */
public final class HistogramPoint extends Point {
  /** The sum of the values. */
  public final double sum;

  /** Whether {@link #min} and {@link #max} are known (any value was recorded). */
  public final boolean hasMinMax;

  /** The smallest value. */
  public final double min;

  /** The largest value. */
  public final double max;

  /** The bucket bounds. */
  public final double[] bounds;

  /** The bucket counts, one more than the bounds. */
  public final long[] counts;

  /**
   * Creates a point.
   *
   * @param start start of the cumulative period
   * @param now the time of the reading
   * @param attributes the attributes
   * @param sum the sum of the values
   * @param hasMinMax whether min and max are known
   * @param min the smallest value
   * @param max the largest value
   * @param bounds the bucket bounds
   * @param counts the bucket counts
   */
  public HistogramPoint(
      long start,
      long now,
      Attributes attributes,
      double sum,
      boolean hasMinMax,
      double min,
      double max,
      double[] bounds,
      long[] counts) {
    super(start, now, attributes);
    this.sum = sum;
    this.hasMinMax = hasMinMax;
    this.min = min;
    this.max = max;
    this.bounds = bounds;
    this.counts = counts;
  }

  /**
   * The number of values recorded.
   *
   * @return the sum of the bucket counts
   */
  public long count() {
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    return n;
  }
}
