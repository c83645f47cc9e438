package io.poolscope.agent.internal.otlp;

import io.opentelemetry.api.common.Attributes;

/** A long or double point of a gauge or a sum. */
public final class NumberPoint extends Point {
  /** Whether the value is {@link #doubleValue} (else {@link #longValue}). */
  public final boolean isDouble;

  /** The long value. */
  public final long longValue;

  /** The double value. */
  public final double doubleValue;

  private NumberPoint(
      long start, long now, Attributes attributes, boolean isDouble, long l, double d) {
    super(start, now, attributes);
    this.isDouble = isDouble;
    this.longValue = l;
    this.doubleValue = d;
  }

  /**
   * A long point.
   *
   * @param start start of the cumulative period
   * @param now the time of the reading
   * @param attributes the attributes
   * @param value the value
   * @return the point
   */
  public static NumberPoint of(long start, long now, Attributes attributes, long value) {
    return new NumberPoint(start, now, attributes, false, value, 0);
  }

  /**
   * A double point.
   *
   * @param start start of the cumulative period
   * @param now the time of the reading
   * @param attributes the attributes
   * @param value the value
   * @return the point
   */
  public static NumberPoint of(long start, long now, Attributes attributes, double value) {
    return new NumberPoint(start, now, attributes, true, 0, value);
  }
}
