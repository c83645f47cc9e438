package io.poolscope.collector.internal.api;

import static io.poolscope.collector.internal.api.Json.num;
import static io.poolscope.collector.internal.api.Json.obj;

import io.poolscope.collector.internal.budget.DatabaseBudget;
import io.poolscope.collector.internal.fleet.PodView;
import io.poolscope.collector.internal.fleet.PoolView;
import io.poolscope.collector.internal.fleet.TargetKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The database, service, pod and pool objects of API.md. */
final class FleetJson {
  private FleetJson() {}

  static Map<String, Object> database(DatabaseBudget b, String alertState) {
    TargetKey t = b.target();
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
        "pending", b.pending(),
        "services", b.services(),
        "pods", b.pods(),
        "pools", b.pools(),
        "suggestedPoolMax", b.suggestedPoolMax(),
        "probe",
            obj(
                "status", b.probe().status(),
                "error", b.probe().error(),
                "checkedAt", b.probe().checkedAt()),
        "alertState", alertState);
  }

  /** A service's pods, restricted to one target when {@code target} is not null. */
  static Map<String, Object> service(String name, List<PodView> pods, TargetKey target) {
    double open = 0;
    double used = 0;
    double idle = 0;
    double max = 0;
    double pending = 0;
    List<Object> podJson = new ArrayList<>();
    for (PodView pod : pods) {
      podJson.add(pod(pod, target, false));
      if (pod.stale()) {
        continue;
      }
      open += target == null ? totalOpen(pod) : pod.openTo(target);
      for (PoolView p : pod.pools()) {
        if (!p.stale() && (target == null || p.target().equals(target))) {
          used += p.used();
          idle += p.idle();
          max += p.max() == null ? 0 : p.max();
          pending += p.pending();
        }
      }
    }
    return obj(
        "name", name,
        "open", num(open),
        "used", num(used),
        "idle", num(idle),
        "max", num(max),
        "pending", num(pending),
        "pods", podJson);
  }

  static Map<String, Object> pod(PodView pod, TargetKey target, boolean withService) {
    List<Object> pools = new ArrayList<>();
    for (PoolView p : pod.pools()) {
      if (target == null || p.target().equals(target)) {
        pools.add(pool(p));
      }
    }
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
            "stale", pod.stale(),
            "lastSeen", pod.lastSeen(),
            "open", num(target == null ? totalOpen(pod) : pod.openTo(target)),
            "pools", pools));
    return m;
  }

  static Map<String, Object> pool(PoolView p) {
    return obj(
        "name", p.name(),
        "type", p.type(),
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
        "created", num(p.created()),
        "closed", num(p.closed()),
        "stale", p.stale(),
        "connectionsCreated", num(p.physical().created()),
        "connectionsClosed", closedByReason(p.physical()),
        "connectionsClosedTotal", num(p.physical().closedTotal()),
        "oldestConnectionAge", num(p.physical().oldestAge()),
        "maxLifetime", num(p.physical().maxLifetime()));
  }

  private static Map<String, Object> closedByReason(PoolView.Physical p) {
    Map<String, Object> m = new LinkedHashMap<>();
    p.closed().forEach((reason, v) -> m.put(reason, num(v)));
    return m;
  }

  private static double totalOpen(PodView pod) {
    double sum = 0;
    for (double v : pod.open().values()) {
      sum += v;
    }
    return sum;
  }
}
