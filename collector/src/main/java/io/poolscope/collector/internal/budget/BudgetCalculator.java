package io.poolscope.collector.internal.budget;

import io.poolscope.collector.CollectorConfig;
import io.poolscope.collector.internal.fleet.FleetSnapshot;
import io.poolscope.collector.internal.fleet.PodView;
import io.poolscope.collector.internal.fleet.PoolView;
import io.poolscope.collector.internal.fleet.TargetKey;
import io.poolscope.collector.internal.probe.ProbeResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  /** Sums of one target over the live fleet, gathered in one pass over the pods. */
  private static final class Sums {
    long open;
    long planned;
    long pending;
    int pools;
    double waitP99;
    double useP99;
    final Map<String, Integer> podsPerService = new HashMap<>();
    final Map<String, Long> plannedPerService = new HashMap<>();
    final Map<String, Long> maxPlannedPerPod = new HashMap<>();
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
    Map<TargetKey, Sums> sums = new HashMap<>();
    for (PodView pod : fleet.pods()) {
      if (!pod.stale()) {
        add(pod, sums);
      }
    }
    List<DatabaseBudget> out = new ArrayList<>(targets.size());
    for (Map.Entry<String, TargetKey> e : targets.entrySet()) {
      out.add(
          budget(
              e.getKey(),
              e.getValue(),
              sums.getOrDefault(e.getValue(), new Sums()),
              probes.getOrDefault(e.getKey(), ProbeResult.NONE)));
    }
    return out;
  }

  private static void add(PodView pod, Map<TargetKey, Sums> sums) {
    Map<TargetKey, Long> podPlanned = new HashMap<>();
    for (TargetKey t : pod.open().keySet()) {
      podPlanned.putIfAbsent(t, 0L);
    }
    for (PoolView pool : pod.pools()) {
      if (pool.stale()) {
        continue;
      }
      Sums s = sums.computeIfAbsent(pool.target(), k -> new Sums());
      s.pools++;
      s.pending += Math.round(pool.pending());
      s.waitP99 = Math.max(s.waitP99, pool.waitP99());
      s.useP99 = Math.max(s.useP99, pool.useP99());
      podPlanned.merge(pool.target(), pool.max() == null ? 0 : Math.round(pool.max()), Long::sum);
    }
    podPlanned.forEach(
        (target, planned) -> {
          Sums s = sums.computeIfAbsent(target, k -> new Sums());
          s.open += Math.round(pod.openTo(target));
          s.planned += planned;
          s.podsPerService.merge(pod.service(), 1, Integer::sum);
          s.plannedPerService.merge(pod.service(), planned, Long::sum);
          s.maxPlannedPerPod.merge(pod.service(), planned, Math::max);
        });
  }

  private DatabaseBudget budget(String id, TargetKey target, Sums s, ProbeResult probe) {
    // At the ceiling every replica is as large as the largest live pod of its service.
    long plannedAtCeiling = 0;
    long replicas = 0;
    for (Map.Entry<String, Integer> e : s.podsPerService.entrySet()) {
      Integer ceiling = ceilings.get(e.getKey());
      int live = e.getValue();
      int n = ceiling == null ? live : Math.max(ceiling, live);
      replicas += n;
      plannedAtCeiling +=
          ceiling == null
              ? s.plannedPerService.get(e.getKey())
              : s.maxPlannedPerPod.get(e.getKey()) * n;
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
    Double utilization = usable == null || usable == 0 ? null : (double) s.open / usable;
    Integer actual = probe.isOk() ? probe.actual() : null;
    Integer unattributed = actual == null ? null : (int) Math.max(0, actual - s.open);
    Integer suggested =
        usable == null || replicas == 0 ? null : (int) Math.max(0, (usable - headroom) / replicas);
    return new DatabaseBudget(
        id,
        target,
        max,
        reserved,
        usable,
        source,
        s.open,
        s.planned,
        plannedAtCeiling,
        actual,
        unattributed,
        utilization,
        s.pending,
        s.podsPerService.size(),
        s.podsPerService.values().stream().mapToInt(Integer::intValue).sum(),
        s.pools,
        suggested,
        s.waitP99,
        s.useP99,
        probe);
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
