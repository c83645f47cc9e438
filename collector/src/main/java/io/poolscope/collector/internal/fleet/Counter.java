package io.poolscope.collector.internal.fleet;

/**
 * A counter an agent reports cumulatively, kept monotonic here: a value that goes down or a new
 * start time means the agent's process or instrument restarted, so the new value is added instead
 * of producing a negative increase.
 */
final class Counter {
  private double lastRaw = Double.NaN;
  private long lastStart;
  private double total;

  void cumulative(double value, long startNanos) {
    boolean restarted =
        !Double.isNaN(lastRaw)
            && (value < lastRaw || (startNanos != 0 && lastStart != 0 && startNanos != lastStart));
    if (Double.isNaN(lastRaw) || restarted) {
      total += value;
    } else {
      total += value - lastRaw;
    }
    lastRaw = value;
    lastStart = startNanos;
  }

  void delta(double value) {
    total += value;
  }

  double total() {
    return total;
  }
}
