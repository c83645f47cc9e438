package io.poolscope.collector.internal.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One service's claim on one server: how many pods it runs now, at its autoscaler's ceiling and
 * during a rollout at the ceiling, and the pools each pod holds there.
 *
 * @param where {@code file:line} of its manifest, {@code fleet} for a service only the live
 *     collector knows, {@code change} for the service of a what-if change
 * @param planned true for a service this plan is about (its manifest or change); false for one
 *     counted as it runs now, whose pool max the plan does not suggest
 */
public record Demand(
    String service,
    String where,
    boolean planned,
    String system,
    ServerKey server,
    int now,
    int ceiling,
    int rollout,
    List<PoolSpec> pools) {

  /** Pools in one pod (workers times pools per worker, summed). */
  public int poolsPerPod() {
    int n = 0;
    for (PoolSpec p : pools) {
      n += p.perPod();
    }
    return n;
  }

  /** Connections one pod may hold: the sum of its pools' max. */
  public long connectionsPerPod() {
    long n = 0;
    for (PoolSpec p : pools) {
      n += (long) p.max() * p.perPod();
    }
    return n;
  }

  /** The one max every pool has, or null when they differ. */
  public Integer maxPerPool() {
    Integer max = null;
    for (PoolSpec p : pools) {
      if (max == null) {
        max = p.max();
      } else if (max != p.max()) {
        return null;
      }
    }
    return max;
  }

  /** The same demand with other pools. */
  public Demand withPools(List<PoolSpec> newPools) {
    return new Demand(service, where, planned, system, server, now, ceiling, rollout, newPools);
  }

  /** One demand per server the workload's pods reach. */
  public static List<Demand> of(Workload w) {
    Map<ServerKey, List<PoolSpec>> byServer = new TreeMap<>();
    for (PoolSpec p : w.pools()) {
      byServer.computeIfAbsent(p.server(), k -> new ArrayList<>()).add(p);
    }
    List<Demand> out = new ArrayList<>();
    byServer.forEach(
        (server, pools) ->
            out.add(
                new Demand(
                    w.service(),
                    w.where(),
                    true,
                    pools.get(0).system(),
                    server,
                    w.replicas(),
                    w.ceiling(),
                    w.rollout(),
                    List.copyOf(pools))));
    return out;
  }
}
