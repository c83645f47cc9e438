package io.poolscope.agent.internal.otlp;

import java.util.List;

/**
 * One OTLP metric as the agent exports it: a gauge, a cumulative monotonic sum or a cumulative
 * explicit-bucket histogram. The agent aggregates itself, so these small values are all it needs of
 * a metrics SDK.
 */
public final class Metric {
  /** What kind of metric. */
  public enum Kind {
    /** A gauge. */
    GAUGE,
    /** A cumulative monotonic sum. */
    SUM,
    /** A cumulative explicit-bucket histogram. */
    HISTOGRAM
  }

  /** The metric name. */
  public final String name;

  /** The description. */
  public final String description;

  /** The unit. */
  public final String unit;

  /** Gauge, sum or histogram. */
  public final Kind kind;

  /** {@link NumberPoint}s for gauges and sums, {@link HistogramPoint}s for histograms. */
  public final List<? extends Point> points;

  /**
   * Creates a metric.
   *
   * @param name the metric name
   * @param description the description
   * @param unit the unit
   * @param kind gauge, sum or histogram
   * @param points the points
   */
  public Metric(
      String name, String description, String unit, Kind kind, List<? extends Point> points) {
    this.name = name;
    this.description = description;
    this.unit = unit;
    this.kind = kind;
    this.points = points;
  }
}
