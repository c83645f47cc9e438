package io.poolscope.collector.internal.plan;

import java.util.List;

/**
 * A Deployment or StatefulSet as the plan sees it: its replicas now, its autoscaler's ceiling, its
 * rollout surge, and the pools each of its pods holds.
 *
 * @param service the name the agent reports ({@code service.name}), to match the live fleet
 * @param where {@code file:line} of the manifest
 * @param maxReplicas the HorizontalPodAutoscaler's {@code maxReplicas}; null without one
 */
public record Workload(
    String service,
    String kind,
    String name,
    String namespace,
    String where,
    int replicas,
    Integer maxReplicas,
    Surge surge,
    List<PoolSpec> pools) {

  /** Replicas at the autoscaler's ceiling (never below the replicas now). */
  public int ceiling() {
    return maxReplicas == null ? replicas : Math.max(maxReplicas, replicas);
  }

  /** Pods during a rollout at the ceiling: old and new together, {@code ceiling + surge}. */
  public int rollout() {
    return ceiling() + surge.of(ceiling());
  }

  /** The same workload with other pools. */
  public Workload withPools(List<PoolSpec> newPools) {
    return new Workload(
        service, kind, name, namespace, where, replicas, maxReplicas, surge, newPools);
  }
}
