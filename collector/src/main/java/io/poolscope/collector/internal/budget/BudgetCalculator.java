package io.poolscope.collector.internal.budget;

import io.poolscope.collector.CollectorConfig;
import io.poolscope.collector.internal.fleet.FleetSnapshot;
import io.poolscope.collector.internal.fleet.PodView;
import io.poolscope.collector.internal.fleet.PoolView;
import io.poolscope.collector.internal.fleet.TargetKey;
import io.poolscope.collector.internal.probe.ProbeResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Computes each database target's budget from the live pods, the probes and the configuration.
 * Pure: the same inputs give the same budget, which is what the tests and the history rely on.
 */
public final class BudgetCalculator {
  private final Map<String, CollectorConfig.Database> databases = new LinkedHashMap<>();
  private final Map<String, Integer> ceilings = new HashMap<>();
  private final int headroom;

  /** Uses the configured limits, ceilings and headroom. */
  public BudgetCalculator(CollectorConfig config) {
    for (CollectorConfig.Database d : config.databases()) {
      databases.put(d.id(), d);
    }
    for (CollectorConfig.Service s : config.services()) {
      ceilings.put(s.name(), s.maxReplicas());
    }
    headroom = config.headroom();
  }

  /** Budgets of every target in the fleet or the configuration, ordered by id. */
  public List<DatabaseBudget> compute(FleetSnapshot fleet, Map<String, ProbeResult> probes) {
    Map<String, TargetKey> targets = new java.util.TreeMap<>();
    for (TargetKey t : fleet.targets()) {
      targets.put(t.id(), t);
    }
    for (String id : databases.keySet()) {
      targets.computeIfAbsent(id, BudgetCalculator::parseId);
    }
    List<DatabaseBudget> out = new ArrayList<>(targets.size());
    for (Map.Entry<String, TargetKey> e : targets.entrySet()) {
      out.add(
          compute(
              e.getKey(), e.getValue(), fleet, probes.getOrDefault(e.getKey(), ProbeResult.NONE)));
    }
    return out;
  }

  private DatabaseBudget compute(
      String id, TargetKey target, FleetSnapshot fleet, ProbeResult probe) {
    long open = 0;
    long planned = 0;
    long pending = 0;
    int pools = 0;
    double waitP99 = 0;
    double useP99 = 0;
    Set<String> services = new HashSet<>();
    Map<String, Integer> podsPerService = new HashMap<>();
    Map<String, Long> maxPlannedPerPod = new HashMap<>();
    for (PodView pod : fleet.pods()) {
      if (pod.stale()) {
        continue;
      }
      boolean uses = pod.open().containsKey(target);
      long podPlanned = 0;
      for (PoolView pool : pod.pools()) {
        if (pool.stale() || !pool.target().equals(target)) {
          continue;
        }
        uses = true;
        pools++;
        pending += Math.round(pool.pending());
        podPlanned += pool.max() == null ? 0 : Math.round(pool.max());
        waitP99 = Math.max(waitP99, pool.waitP99());
        useP99 = Math.max(useP99, pool.useP99());
      }
      if (!uses) {
        continue;
      }
      open += Math.round(pod.openTo(target));
      planned += podPlanned;
      services.add(pod.service());
      podsPerService.merge(pod.service(), 1, Integer::sum);
      maxPlannedPerPod.merge(pod.service(), podPlanned, Math::max);
    }
    // At the ceiling every replica is as large as the largest live pod of its service.
    long plannedAtCeiling = 0;
    long replicas = 0;
    for (String s : services) {
      Integer ceiling = ceilings.get(s);
      int live = podsPerService.get(s);
      int n = ceiling == null ? live : Math.max(ceiling, live);
      replicas += n;
      plannedAtCeiling +=
          ceiling == null ? plannedOf(fleet, s, target) : maxPlannedPerPod.get(s) * n;
    }

    CollectorConfig.Database conf = databases.get(id);
    Integer max = null;
    Integer reserved = null;
    String source = "unknown";
    if (conf != null && conf.maxConnections() != null) {
      max = conf.maxConnections();
      source = "config";
      reserved = conf.reserved() != null ? conf.reserved() : probe.isOk() ? probe.reserved() : 0;
    } else if (probe.isOk()) {
      max = probe.maxConnections();
      reserved = conf != null && conf.reserved() != null ? conf.reserved() : probe.reserved();
      source = "probe";
    }
    Integer usable = max == null ? null : Math.max(0, max - reserved);
    Double utilization = usable == null || usable == 0 ? null : (double) open / usable;
    Integer actual = probe.isOk() ? probe.actual() : null;
    Integer unattributed = actual == null ? null : (int) Math.max(0, actual - open);
    Integer suggested =
        usable == null || replicas == 0 ? null : (int) Math.max(0, (usable - headroom) / replicas);
    return new DatabaseBudget(
        id,
        target,
        max,
        reserved,
        usable,
        source,
        open,
        planned,
        plannedAtCeiling,
        actual,
        unattributed,
        utilization,
        pending,
        services.size(),
        podsPerService.values().stream().mapToInt(Integer::intValue).sum(),
        pools,
        suggested,
        waitP99,
        useP99,
        probe);
  }

  private static long plannedOf(FleetSnapshot fleet, String service, TargetKey target) {
    long sum = 0;
    for (PodView pod : fleet.pods()) {
      if (pod.stale() || !service.equals(pod.service())) {
        continue;
      }
      for (PoolView pool : pod.pools()) {
        if (!pool.stale() && pool.target().equals(target) && pool.max() != null) {
          sum += Math.round(pool.max());
        }
      }
    }
    return sum;
  }

  /** A configured target no pod reported yet: its fields as far as the id tells them. */
  static TargetKey parseId(String id) {
    String[] p = id.split("_", 4);
    int port = 0;
    if (p.length > 2) {
      try {
        port = Integer.parseInt(p[2]);
      } catch (NumberFormatException e) {
        port = 0;
      }
    }
    return new TargetKey(p[0], p.length > 1 ? p[1] : "", port, p.length > 3 ? p[3] : "");
  }
}
