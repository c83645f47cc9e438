package io.poolscope.collector.internal.fleet;

import java.util.HashMap;
import java.util.Map;

/** Mutable state of one pool in one pod; guarded by the {@link FleetModel} lock. */
final class PoolState {
  final TargetKey target;
  final String name;
  String type;
  double used;
  double idle;
  double max = Double.NaN;
  double minIdle = Double.NaN;
  double pending;
  double oldestUse;
  final Counter timeouts = new Counter();
  final Map<String, Counter> leaks = new HashMap<>();
  final Map<String, Counter> connectionsClosed = new HashMap<>();
  double oldestAge = Double.NaN;
  double maxLifetime = Double.NaN;
  final HistogramState wait = new HistogramState();
  final HistogramState use = new HistogramState();
  final HistogramState create = new HistogramState();
  long lastSeen;

  PoolState(TargetKey target, String name) {
    this.target = target;
    this.name = name;
  }
}
