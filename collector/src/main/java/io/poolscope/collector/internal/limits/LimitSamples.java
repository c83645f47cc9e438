package io.poolscope.collector.internal.limits;

import io.poolscope.collector.internal.prometheus.FleetSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The collector's own refusal, truncation and failed-step counters as {@code /metrics} series. */
public final class LimitSamples {
  private LimitSamples() {}

  /** {@code poolscope_collector_refused_total{kind}} and its siblings. */
  public static List<FleetSample> of(Refusals refusals, Map<String, Long> stepFailures) {
    List<FleetSample> out = new ArrayList<>();
    refusals
        .refused()
        .forEach(
            (k, v) ->
                out.add(
                    new FleetSample("poolscope_collector_refused_total", Map.of("kind", k), v)));
    refusals
        .truncated()
        .forEach(
            (k, v) ->
                out.add(
                    new FleetSample("poolscope_collector_truncated_total", Map.of("field", k), v)));
    stepFailures.forEach(
        (k, v) ->
            out.add(
                new FleetSample("poolscope_collector_step_failures_total", Map.of("step", k), v)));
    return out;
  }
}
