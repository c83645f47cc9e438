package io.poolscope.collector.internal.budget;

import io.poolscope.collector.CollectorConfig;
import io.poolscope.collector.internal.fleet.FamilyView;
import io.poolscope.collector.internal.fleet.FleetSnapshot;
import io.poolscope.collector.internal.fleet.PodView;
import io.poolscope.collector.internal.fleet.TargetKey;
import io.poolscope.collector.internal.probe.ProbeResult;
import io.poolscope.collector.internal.server.ServerCatalog;
import io.poolscope.collector.internal.server.ServerResolver;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The one rollup: each database target's budget, each service's share and the pods using it, from
 * the pods' typed totals, in one pass per snapshot. Pure: the same inputs give the same overview,
 * which is what the tests and the history rely on.
 */
public final class BudgetCalculator {
  private final Map<String, CollectorConfig.Database> databases = new LinkedHashMap<>();
  private final Map<String, Integer> ceilings = new HashMap<>();
  private final int headroom;
  private final Supplier<Thresholds> thresholds;
  private final ServerRollups servers;

  /** Uses the configured limits, ceilings and headroom, and the built-in rules' thresholds. */
  public BudgetCalculator(CollectorConfig config) {
    this(config, () -> Thresholds.DEFAULT);
  }

  /** As above, with the thresholds of the rules being evaluated (asked once per computation). */
  public BudgetCalculator(CollectorConfig config, Supplier<Thresholds> thresholds) {
    this(config, thresholds, ServerResolver.SYSTEM_DNS);
  }

  /** As above, with host names looked up through {@code dns}. */
  public BudgetCalculator(
      CollectorConfig config, Supplier<Thresholds> thresholds, ServerResolver.Dns dns) {
    for (CollectorConfig.Database d : config.databases()) {
      databases.put(d.id(), d);
    }
    for (CollectorConfig.Service s : config.services()) {
      ceilings.put(s.name(), s.maxReplicas());
    }
    headroom = config.headroom();
    this.thresholds = thresholds;
    this.servers = new ServerRollups(ServerCatalog.of(config), dns, headroom);
  }

  /** Sums of one service (on one target, or on all). */
  private static final class ServiceSums {
    double open;
    double used;
    double idle;
    double max;
    boolean hasMax;
    double pending;
    int livePods;
    int stalePods;
    int livePools;
    int closedPools;
    long planned;
    long maxPlannedPerPod;

    void add(PodView pod, PodView.Totals t) {
      if (pod.stale()) {
        stalePods++;
        return;
      }
      livePods++;
      open += t.open();
      used += t.used();
      idle += t.idle();
      if (t.max() != null) {
        max += t.max();
        hasMax = true;
      }
      pending += t.pending();
      livePools += t.livePools();
      closedPools += t.closedPools();
      long p = t.max() == null ? 0 : Math.round(t.max());
      planned += p;
      maxPlannedPerPod = Math.max(maxPlannedPerPod, p);
    }

    ServiceRollup rollup(String name) {
      return new ServiceRollup(
          name,
          open,
          used,
          idle,
          hasMax ? max : null,
          pending,
          livePods,
          stalePods,
          livePools,
          closedPools);
    }
  }

  /** Sums of one target over the fleet, gathered in the one pass over the pods. */
  private static final class Sums {
    long open;
    long planned;
    long pending;
    int pools;
    int silentPods;
    double waitP99;
    double useP99;
    final Map<String, ServiceSums> services = new TreeMap<>();
    final List<PodView> pods = new ArrayList<>();
    long replicas;
  }

  /** The overview of {@code fleet}: budgets of every target in it or in the configuration. */
  public Overview overview(FleetSnapshot fleet, Map<String, ProbeResult> probes) {
    return overview(fleet, probes, Map.of());
  }

  /**
   * As above, with the probes' readings per server ({@code ProbeRunner.serverResults()}) for the
   * servers' budgets.
   */
  public Overview overview(
      FleetSnapshot fleet, Map<String, ProbeResult> probes, Map<String, ProbeResult> serverProbes) {
    Map<String, TargetKey> targets = new TreeMap<>();
    for (TargetKey t : fleet.targets()) {
      targets.put(t.id(), t);
    }
    for (String id : databases.keySet()) {
      targets.computeIfAbsent(id, BudgetCalculator::parseId);
    }
    Map<TargetKey, Sums> sums = new HashMap<>();
    Map<String, ServiceSums> services = new TreeMap<>();
    for (PodView pod : fleet.pods()) {
      add(pod, sums, services);
    }
    Thresholds th = thresholds.get();
    List<DatabaseBudget> budgets = new ArrayList<>(targets.size());
    Map<String, TargetRollup> rollups = new LinkedHashMap<>();
    List<ServerRollups.TargetFigures> figures = new ArrayList<>(targets.size());
    for (Map.Entry<String, TargetKey> e : targets.entrySet()) {
      TargetKey target = e.getValue();
      Sums s = sums.getOrDefault(target, new Sums());
      DatabaseBudget b =
          budget(e.getKey(), target, s, probes.getOrDefault(e.getKey(), ProbeResult.NONE), th);
      budgets.add(b);
      List<ServiceRollup> svc = new ArrayList<>(s.services.size());
      s.services.forEach((name, ss) -> svc.add(ss.rollup(name)));
      rollups.put(e.getKey(), new TargetRollup(b, List.copyOf(svc), byHolding(s.pods, target)));
      figures.add(new ServerRollups.TargetFigures(b, s.replicas, s.pods));
    }
    List<ServiceRollup> all = new ArrayList<>(services.size());
    services.forEach((name, ss) -> all.add(ss.rollup(name)));
    ServerRollups.Result sr = servers.compute(figures, serverProbes, th);
    return new Overview(
        fleet,
        List.copyOf(budgets),
        probes,
        rollups,
        List.copyOf(all),
        sr.servers(),
        sr.serverOfTarget());
  }

  /** A pod with its sort keys for one target, looked up once rather than on every comparison. */
  private record Ranked(PodView pod, boolean stale, double negOpen, String name) {}

  private static final Comparator<Ranked> HOLDING_MOST =
      Comparator.comparing(Ranked::stale)
          .thenComparingDouble(Ranked::negOpen)
          .thenComparing(Ranked::name);

  /** Live pods first, then those holding most connections to {@code target}, then by name. */
  private static List<PodView> byHolding(List<PodView> pods, TargetKey target) {
    Ranked[] ranked = new Ranked[pods.size()];
    for (int i = 0; i < ranked.length; i++) {
      PodView p = pods.get(i);
      ranked[i] = new Ranked(p, p.stale(), -p.openTo(target), String.valueOf(p.podName()));
    }
    java.util.Arrays.sort(ranked, HOLDING_MOST);
    PodView[] out = new PodView[ranked.length];
    for (int i = 0; i < ranked.length; i++) {
      out[i] = ranked[i].pod();
    }
    return List.of(out);
  }

  private static void add(PodView pod, Map<TargetKey, Sums> sums, Map<String, ServiceSums> all) {
    ServiceSums total = all.computeIfAbsent(pod.service(), k -> new ServiceSums());
    if (pod.stale()) {
      total.stalePods++;
    } else {
      total.livePods++;
    }
    for (Map.Entry<TargetKey, PodView.Totals> e : pod.totals().entrySet()) {
      PodView.Totals t = e.getValue();
      Sums s = sums.computeIfAbsent(e.getKey(), k -> new Sums());
      s.pods.add(pod);
      s.services.computeIfAbsent(pod.service(), k -> new ServiceSums()).add(pod, t);
      if (pod.stale()) {
        continue;
      }
      if (pod.silent()) {
        s.silentPods++;
      }
      s.open += Math.round(t.open());
      s.planned += t.max() == null ? 0 : Math.round(t.max());
      s.pending += Math.round(t.pending());
      s.pools += t.livePools();
      total.open += t.open();
      total.used += t.used();
      total.idle += t.idle();
      if (t.max() != null) {
        total.max += t.max();
        total.hasMax = true;
      }
      total.pending += t.pending();
      total.livePools += t.livePools();
      total.closedPools += t.closedPools();
    }
    if (pod.stale()) {
      return;
    }
    for (FamilyView f : pod.families()) {
      if (f.live()) {
        Sums s = sums.get(f.target());
        s.waitP99 = Math.max(s.waitP99, f.waitP99());
        s.useP99 = Math.max(s.useP99, f.useP99());
      }
    }
  }

  private DatabaseBudget budget(
      String id, TargetKey target, Sums s, ProbeResult probe, Thresholds th) {
    // At the ceiling every replica is as large as the largest live pod of its service.
    long plannedAtCeiling = 0;
    long replicas = 0;
    int services = 0;
    int pods = 0;
    for (Map.Entry<String, ServiceSums> e : s.services.entrySet()) {
      ServiceSums ss = e.getValue();
      if (ss.livePods == 0) {
        continue;
      }
      services++;
      pods += ss.livePods;
      Integer ceiling = ceilings.get(e.getKey());
      int n = ceiling == null ? ss.livePods : Math.max(ceiling, ss.livePods);
      replicas += n;
      plannedAtCeiling += ceiling == null ? ss.planned : ss.maxPlannedPerPod * n;
    }
    s.replicas = replicas;
    CollectorConfig.Database conf = databases.get(id);
    Limit limit =
        Limit.of(
            conf == null ? null : conf.maxConnections(),
            conf == null ? null : conf.reserved(),
            probe);
    Integer max = limit.max();
    Integer reserved = limit.reserved();
    String source = limit.source();
    Integer usable = limit.usable();
    Integer actual = probe.isOk() ? probe.actual() : null;
    DatabaseBudget.OverReport overReport =
        actual != null && s.open > actual
            ? new DatabaseBudget.OverReport(s.open, actual, s.silentPods)
            : null;
    // The database's own count bounds what the agents can really hold.
    long counted = overReport != null ? actual : s.open;
    Double utilization = usable == null || usable == 0 ? null : (double) counted / usable;
    Integer unattributed = actual == null ? null : (int) Math.max(0, actual - s.open);
    Integer suggested =
        usable == null || replicas == 0 ? null : (int) Math.max(0, (usable - headroom) / replicas);
    int over = 0;
    if (suggested != null) {
      for (PodView pod : s.pods) {
        Double m = pod.to(target).max();
        if (!pod.stale() && m != null && m > suggested) {
          over++;
        }
      }
    }
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
        services,
        pods,
        s.pools,
        suggested,
        over,
        s.waitP99,
        s.useP99,
        probe,
        overReport,
        th.state(utilization),
        th);
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
