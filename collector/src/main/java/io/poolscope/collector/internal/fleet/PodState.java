package io.poolscope.collector.internal.fleet;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Mutable state of one agent JVM; guarded by its own lock. */
final class PodState {
  record PoolKey(TargetKey target, String name) {}

  record FamilyKey(TargetKey target, String key) {}

  /** A counter series keyed by target and one attribute (error type, pool type). */
  record TargetAttr(TargetKey target, String attr) {}

  final String instanceId;
  String service;
  String podName;
  String host;
  String version;
  final long firstSeen;
  long lastSeen;

  /** When the JVM's final export ({@code poolscope.agent.exiting}) arrived; -1 before. */
  long exitedAt = -1;

  final Map<PoolKey, PoolState> pools = new LinkedHashMap<>();
  final Map<FamilyKey, FamilyState> families = new LinkedHashMap<>();
  final Map<TargetKey, Double> open = new HashMap<>();
  final Map<TargetKey, Long> openSeen = new HashMap<>();

  /** {@code poolscope.connection.open} by database user, per target (the latest export's). */
  final Map<TargetKey, Map<String, Double>> openByUser = new HashMap<>();

  /** Refused opens by the limit that refused them ({@code poolscope.refused.limit}). */
  final Map<TargetAttr, Counter> refusedByLimit = new HashMap<>();

  final Map<TargetAttr, Counter> refused = new HashMap<>();
  final Map<TargetAttr, Counter> created = new HashMap<>();
  final Map<TargetAttr, Counter> closed = new HashMap<>();

  /** Increases on every change of this pod's state; a cached view of an older one is outdated. */
  long changes;

  /** The view last built, at {@link #viewAt} from state {@link #viewVersion}; null before. */
  PodView view;

  long viewVersion = -1;
  long viewAt;

  /** The first instant at which {@link #view} may read differently although nothing changed. */
  long viewUntil;

  PodState(String instanceId, long now) {
    this.instanceId = instanceId;
    this.firstSeen = now;
  }
}
