package io.poolscope.collector.internal.fleet;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Mutable state of one pool in one pod; guarded by its {@link PodState}'s lock. */
final class PoolState {
  final TargetKey target;
  final String name;
  String type;
  String family;
  double used;
  double idle;
  double max = Double.NaN;
  double minIdle = Double.NaN;
  double pending;
  double oldestUse;

  /** When the agent said the pool closed ({@code poolscope.pool.open} = 0); -1 while open. */
  long closedAt = -1;

  final Counter timeouts = new Counter();
  final Map<LeakState, Counter> leaks = new EnumMap<>(LeakState.class);
  // poolscope.connection.closed by poolscope.close.reason
  final Map<String, Counter> connectionsClosed = new HashMap<>();
  double oldestAge = Double.NaN;
  double maxLifetime = Double.NaN;
  final HistogramState wait = new HistogramState();
  final HistogramState use = new HistogramState();
  final HistogramState create = new HistogramState();
  long lastSeen;

  /** The oldest leases still held, oldest first, as the last export named them. */
  List<HolderView> holders = List.of();

  PoolState(TargetKey target, String name) {
    this.target = target;
    this.name = name;
    this.family = name;
  }

  double leaks(LeakState s) {
    Counter c = leaks.get(s);
    return c == null ? 0 : c.total();
  }
}
