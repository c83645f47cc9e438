package io.poolscope.collector.internal.fleet;

import java.util.List;
import java.util.Map;

/**
 * Immutable state of one agent JVM at one moment.
 *
 * @param open physical connections per database target id
 * @param refused cumulative refused opens per target id and SQLState
 * @param poolsCreated cumulative pools created per target id and pool type
 */
public record PodView(
    String service,
    String instanceId,
    String podName,
    String host,
    String version,
    boolean stale,
    long lastSeen,
    Map<TargetKey, Double> open,
    List<PoolView> pools,
    Map<TargetKey, Map<String, Double>> refused,
    Map<TargetKey, Map<String, Double>> poolsCreated,
    Map<TargetKey, Map<String, Double>> poolsClosed) {

  /** Physical connections to {@code target}. */
  public double openTo(TargetKey target) {
    return open.getOrDefault(target, 0.0);
  }
}
