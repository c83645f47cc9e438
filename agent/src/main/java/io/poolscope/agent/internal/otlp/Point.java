package io.poolscope.agent.internal.otlp;

import io.opentelemetry.api.common.Attributes;

/** A data point: its attributes and its cumulative period. */
public abstract class Point {
  /** Start of the cumulative period, epoch nanoseconds. */
  public final long startEpochNanos;

  /** Time of the reading, epoch nanoseconds. */
  public final long epochNanos;

  /** The attributes. */
  public final Attributes attributes;

  Point(long startEpochNanos, long epochNanos, Attributes attributes) {
    this.startEpochNanos = startEpochNanos;
    this.epochNanos = epochNanos;
    this.attributes = attributes;
  }
}
