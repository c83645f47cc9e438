package io.poolscope.collector.internal.prometheus;

import java.util.Map;

/**
 * One figure named and labelled as on {@code /metrics}; the same list feeds the alert rules, so a
 * rule means the same in Poolscope and in Prometheus.
 */
public record FleetSample(String name, Map<String, String> labels, double value) {

  /** Whether the series is a counter (its name ends in {@code _total}). */
  public boolean isCounter() {
    return name.endsWith("_total");
  }
}
