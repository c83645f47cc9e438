package io.poolscope.alerts;

import java.util.Map;
import java.util.Objects;

/**
 * One value of one series at one time, as the collector derives it each interval.
 *
 * <p>Names and labels follow the Prometheus series on the collector's {@code /metrics} (see
 * collector/API.md), so a rule means the same in Poolscope and in Prometheus.
 *
 * @param name series name, e.g. {@code poolscope_db_connections_utilization_ratio}
 * @param labels label set (copied, never {@code null}); must not contain {@code __name__}
 * @param value the value
 * @param timeMillis when the value was observed, epoch milliseconds
 */
public record Sample(String name, Map<String, String> labels, double value, long timeMillis) {

  /** Validates and copies the label map so a caller can reuse its own. */
  public Sample {
    Objects.requireNonNull(name, "name");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
