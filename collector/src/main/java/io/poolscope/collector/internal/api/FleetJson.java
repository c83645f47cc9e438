package io.poolscope.collector.internal.api;

import static io.poolscope.collector.internal.api.Json.num;
import static io.poolscope.collector.internal.api.Json.obj;

import io.poolscope.collector.internal.budget.DatabaseBudget;
import io.poolscope.collector.internal.budget.ServiceRollup;
import io.poolscope.collector.internal.fleet.FamilyView;
import io.poolscope.collector.internal.fleet.HolderView;
import io.poolscope.collector.internal.fleet.PodView;
import io.poolscope.collector.internal.fleet.PoolView;
import io.poolscope.collector.internal.fleet.TargetKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The database, service, pod, family and pool objects of API.md. Every figure is read from the
 * rollup; nothing is summed here.
 */
final class FleetJson {
  private FleetJson() {}

  static Map<String, Object> database(DatabaseBudget b) {
    TargetKey t = b.target();
    DatabaseBudget.OverReport over = b.overReport();
    return obj(
        "id", b.id(),
        "system", t.system(),
        "address", t.address(),
        "port", t.port(),
        "namespace", t.namespace(),
        "maxConnections", b.maxConnections(),
        "reserved", b.reserved(),
        "usable", b.usable(),
        "limitSource", b.limitSource(),
        "open", b.open(),
        "planned", b.planned(),
        "plannedAtCeiling", b.plannedAtCeiling(),
        "actual", b.actual(),
        "unattributed", b.unattributed(),
        "utilization", b.utilization(),
        "counted", over == null ? b.open() : (long) over.database(),
        "overReport",
            over == null
                ? null
                : obj(
                    "agents", over.agents(),
                    "database", over.database(),
                    "silentPods", over.silentPods()),
        "pending", b.pending(),
        "services", b.services(),
        "pods", b.pods(),
        "pools", b.pools(),
        "suggestedPoolMax", b.suggestedPoolMax(),
        "podsOverSuggested", b.podsOverSuggested(),
        "waitP99", b.waitP99(),
        "useP99", b.useP99(),
        "probe",
            obj(
                "status", b.probe().status(),
                "error", b.probe().error(),
                "checkedAt", b.probe().checkedAt()),
        "state", b.state(),
        "alertState", "unknown".equals(b.state()) ? "ok" : b.state(),
        "thresholds",
            obj("warning", b.thresholds().warning(), "critical", b.thresholds().critical()));
  }

  /** A service's rollup and the pods listed with it, restricted to {@code target} if not null. */
  static Map<String, Object> service(ServiceRollup s, List<PodView> pods, TargetKey target) {
    List<Object> podJson = new ArrayList<>(pods.size());
    for (PodView pod : pods) {
      podJson.add(pod(pod, target, false));
    }
    return obj(
        "name", s.name(),
        "open", num(s.open()),
        "used", num(s.used()),
        "idle", num(s.idle()),
        "max", num(s.max()),
        "pending", num(s.pending()),
        "livePods", s.livePods(),
        "stalePods", s.stalePods(),
        "livePools", s.livePools(),
        "closedPools", s.closedPools(),
        "pods", podJson);
  }

  static Map<String, Object> pod(PodView pod, TargetKey target, boolean withService) {
    List<Object> families = new ArrayList<>();
    List<Object> pools = new ArrayList<>();
    for (FamilyView f : pod.families()) {
      if (target == null || f.target().equals(target)) {
        families.add(family(f, pod.stale()));
        for (PoolView p : f.pools()) {
          pools.add(pool(p));
        }
      }
    }
    PodView.Totals t = target == null ? pod.total() : pod.to(target);
    Map<String, Object> m = obj();
    if (withService) {
      m.put("service", pod.service());
    }
    m.putAll(
        obj(
            "instanceId", pod.instanceId(),
            "podName", pod.podName(),
            "host", pod.host(),
            "version", pod.version(),
            "status", pod.status().name().toLowerCase(Locale.ROOT),
            "stale", pod.stale(),
            "silent", pod.silent(),
            "lastSeen", pod.lastSeen(),
            "open", num(t.open()),
            "used", num(t.used()),
            "idle", num(t.idle()),
            "max", num(t.max()),
            "pending", num(t.pending()),
            "livePools", t.livePools(),
            "closedPools", t.closedPools(),
            "poolsCreated", num(poolCount(pod.poolsCreated(), target)),
            "poolsClosed", num(poolCount(pod.poolsClosed(), target)),
            "families", families,
            "pools", pools));
    return m;
  }

  /**
   * The pod's {@code poolscope.pool.created} (or {@code closed}) over every pool type, on {@code
   * target} or on every target when null; null when the pod sends none.
   */
  private static Double poolCount(Map<TargetKey, Map<String, Double>> byTarget, TargetKey target) {
    Double sum = null;
    for (Map.Entry<TargetKey, Map<String, Double>> e : byTarget.entrySet()) {
      if (target == null || e.getKey().equals(target)) {
        for (double v : e.getValue().values()) {
          sum = sum == null ? v : sum + v;
        }
      }
    }
    return sum;
  }

  static Map<String, Object> family(FamilyView f, boolean podStale) {
    List<Object> names = new ArrayList<>(f.pools().size());
    f.pools().forEach(p -> names.add(p.name()));
    return obj(
        "name", f.label(),
        "family", f.key(),
        "type", f.type(),
        "db", f.target().id(),
        "livePools", f.livePools(),
        "closedPools", f.closedPools(),
        "used", num(f.used()),
        "idle", num(f.idle()),
        "max", num(f.max()),
        "minIdle", num(f.minIdle()),
        "pending", num(f.pending()),
        "waitP99", f.waitP99(),
        "useP99", f.useP99(),
        "timeouts", num(f.timeouts()),
        "leaksSuspected", num(f.leaksSuspected()),
        "leaksCollected", num(f.leaksCollected()),
        "leaksReturned", num(f.leaksReturned()),
        "oldestUse", f.oldestUse(),
        "created", num(f.created()),
        "closed", num(f.closed()),
        "stale", podStale || !f.live(),
        "connectionsCreated", num(f.physical().created()),
        "connectionsClosed", closedByReason(f.physical()),
        "connectionsClosedTotal", num(f.physical().closedTotal()),
        "oldestConnectionAge", num(f.physical().oldestAge()),
        "maxLifetime", num(f.physical().maxLifetime()),
        "pools", names,
        "holders", holders(f.holders()));
  }

  static Map<String, Object> pool(PoolView p) {
    return obj(
        "name", p.name(),
        "type", p.type(),
        "family", p.family(),
        "db", p.target().id(),
        "used", num(p.used()),
        "idle", num(p.idle()),
        "max", num(p.max()),
        "minIdle", num(p.minIdle()),
        "pending", num(p.pending()),
        "waitP99", p.waitP99(),
        "useP99", p.useP99(),
        "timeouts", num(p.timeouts()),
        "leaksSuspected", num(p.leaksSuspected()),
        "leaksCollected", num(p.leaksCollected()),
        "leaksReturned", num(p.leaksReturned()),
        "oldestUse", p.oldestUse(),
        "open", p.closedAt() == null,
        "closedAt", p.closedAt(),
        "stale", p.stale(),
        "connectionsCreated", num(p.physical().created()),
        "connectionsClosed", closedByReason(p.physical()),
        "connectionsClosedTotal", num(p.physical().closedTotal()),
        "oldestConnectionAge", num(p.physical().oldestAge()),
        "maxLifetime", num(p.physical().maxLifetime()),
        "holders", holders(p.holders()));
  }

  /** The oldest leases still held, oldest first, as the pod's last export named them. */
  private static List<Object> holders(List<HolderView> holders) {
    List<Object> out = new ArrayList<>(holders.size());
    for (HolderView h : holders) {
      out.add(
          obj(
              "pool", h.pool(),
              "thread", h.thread(),
              "heldSeconds", h.heldSeconds(),
              "borrowedAt", h.borrowedAt(),
              "leaseId", h.leaseId(),
              "callSite", h.callSite()));
    }
    return out;
  }

  private static Map<String, Object> closedByReason(PoolView.Physical p) {
    Map<String, Object> m = new LinkedHashMap<>();
    p.closed().forEach((reason, v) -> m.put(reason, num(v)));
    return m;
  }
}
