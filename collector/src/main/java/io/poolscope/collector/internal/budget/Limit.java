package io.poolscope.collector.internal.budget;

import io.poolscope.collector.internal.probe.ProbeResult;

/**
 * The connection limit of one budget: a configured {@code max_connections} wins over the probed
 * one; the reserved slots come from the configuration, else the probe, else none.
 *
 * @param max max_connections, or null when neither configuration nor probe gives it
 * @param reserved slots never usable by the fleet, or null with {@code max}
 * @param source {@code config}, {@code probe} or {@code unknown}
 */
record Limit(Integer max, Integer reserved, String source) {

  static Limit of(Integer configuredMax, Integer configuredReserved, ProbeResult probe) {
    if (configuredMax != null) {
      int reserved =
          configuredReserved != null ? configuredReserved : probe.isOk() ? probe.reserved() : 0;
      return new Limit(configuredMax, reserved, "config");
    }
    if (probe.isOk()) {
      int reserved = configuredReserved != null ? configuredReserved : probe.reserved();
      return new Limit(probe.maxConnections(), reserved, "probe");
    }
    return new Limit(null, null, "unknown");
  }

  /** max minus reserved, never negative; null when the limit is unknown. */
  Integer usable() {
    return max == null ? null : Math.max(0, max - reserved);
  }
}
