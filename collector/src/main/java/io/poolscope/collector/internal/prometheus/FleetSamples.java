package io.poolscope.collector.internal.prometheus;

import io.poolscope.collector.internal.budget.DatabaseBudget;
import io.poolscope.collector.internal.budget.Overview;
import io.poolscope.collector.internal.budget.ServerBudget;
import io.poolscope.collector.internal.fleet.FamilyView;
import io.poolscope.collector.internal.fleet.PodView;
import io.poolscope.collector.internal.fleet.PoolView;
import io.poolscope.collector.internal.fleet.TargetKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Derives the samples of API.md from an overview: per database target, and per pool family of each
 * live pod. Exited and stale pods contribute nothing, so their series disappear from {@code
 * /metrics} as they leave the sums.
 */
public final class FleetSamples {
  private FleetSamples() {}

  /** Every sample of the overview, database series first. */
  public static List<FleetSample> derive(Overview o) {
    List<FleetSample> out = new ArrayList<>();
    for (DatabaseBudget b : o.budgets()) {
      Map<String, String> l = dbLabels(b.id(), b.target());
      add(out, "poolscope_db_connections_open", l, b.open());
      add(out, "poolscope_db_connections_max", l, b.maxConnections());
      add(out, "poolscope_db_connections_usable", l, b.usable());
      add(out, "poolscope_db_connections_planned", l, b.planned());
      add(out, "poolscope_db_connections_planned_ceiling", l, b.plannedAtCeiling());
      add(out, "poolscope_db_connections_actual", l, b.actual());
      add(out, "poolscope_db_connections_unattributed", l, b.unattributed());
      add(out, "poolscope_db_connections_utilization_ratio", l, b.utilization());
      add(out, "poolscope_db_connections_pending", l, b.pending());
      if (!"none".equals(b.probe().status())) {
        add(out, "poolscope_db_probe_up", l, b.probe().isOk() ? 1 : 0);
      }
    }
    servers(out, o);
    Map<PodView, String> podLabel = podLabels(o.fleet().pods());
    for (PodView pod : o.fleet().pods()) {
      if (pod.stale()) {
        continue;
      }
      String name = podLabel.get(pod);
      for (FamilyView f : pod.families()) {
        Map<String, String> l = poolLabels(pod, name, f);
        add(out, "poolscope_pool_connections_used", l, f.used());
        add(out, "poolscope_pool_connections_idle", l, f.idle());
        add(out, "poolscope_pool_connections_max", l, f.max());
        add(out, "poolscope_pool_connections_pending", l, f.pending());
        if (f.max() != null && f.max() > 0) {
          add(out, "poolscope_pool_utilization_ratio", l, f.used() / f.max());
        }
        add(out, "poolscope_pool_wait_seconds_p99", l, f.waitP99());
        add(out, "poolscope_pool_use_seconds_p99", l, f.useP99());
        add(out, "poolscope_pool_oldest_use_seconds", l, f.oldestUse());
        add(out, "poolscope_pool_timeouts_total", l, f.timeouts());
        add(
            out,
            "poolscope_connection_leaks_total",
            with(l, "state", "suspected"),
            f.leaksSuspected());
        add(
            out,
            "poolscope_connection_leaks_total",
            with(l, "state", "returned"),
            f.leaksReturned());
        add(
            out,
            "poolscope_connection_leaks_total",
            with(l, "state", "collected"),
            f.leaksCollected());
        physical(out, l, f.physical());
      }
      pod.refused()
          .forEach(
              (t, byType) ->
                  byType.forEach(
                      (type, v) ->
                          add(
                              out,
                              "poolscope_connection_refused_total",
                              podLabels(pod, name, t, "error_type", type),
                              v)));
      pod.poolsCreated()
          .forEach(
              (t, byType) ->
                  byType.forEach(
                      (type, v) ->
                          add(
                              out,
                              "poolscope_pools_created_total",
                              podLabels(pod, name, t, "pool_type", type),
                              v)));
      pod.poolsClosed()
          .forEach(
              (t, byType) ->
                  byType.forEach(
                      (type, v) ->
                          add(
                              out,
                              "poolscope_pools_closed_total",
                              podLabels(pod, name, t, "pool_type", type),
                              v)));
    }
    return out;
  }

  /** Physical opens and closes, the oldest physical connection's age, the max lifetime. */
  private static void physical(List<FleetSample> out, Map<String, String> l, PoolView.Physical p) {
    add(out, "poolscope_pool_connections_created_total", l, p.created());
    p.closed()
        .forEach(
            (reason, v) ->
                add(out, "poolscope_pool_connections_closed_total", with(l, "reason", reason), v));
    add(out, "poolscope_pool_connection_oldest_age_seconds", l, p.oldestAge());
    add(out, "poolscope_pool_max_lifetime_seconds", l, p.maxLifetime());
  }

  static Map<String, String> dbLabels(String id, TargetKey t) {
    Map<String, String> l = new LinkedHashMap<>();
    l.put("db", id);
    l.put("db_system", t.system());
    l.put("server_address", t.address());
    l.put("server_port", Integer.toString(t.port()));
    l.put("db_namespace", t.namespace());
    return l;
  }

  /**
   * The {@code pod} label of each live pod: its pod name, unless another live pod of the same
   * service has the same name (several JVMs on one host without a Kubernetes pod name, or a
   * container restarted under a new instance id while the old one is not yet stale); then the name
   * and the instance id, so no two series in the exposition share a label set.
   */
  static Map<PodView, String> podLabels(List<PodView> pods) {
    Map<List<String>, Integer> count = new java.util.HashMap<>();
    for (PodView pod : pods) {
      if (!pod.stale()) {
        count.merge(List.of(pod.service(), String.valueOf(pod.podName())), 1, Integer::sum);
      }
    }
    Map<PodView, String> out = new java.util.IdentityHashMap<>();
    for (PodView pod : pods) {
      String name = String.valueOf(pod.podName());
      boolean unique = count.getOrDefault(List.of(pod.service(), name), 0) <= 1;
      out.put(pod, unique ? name : name + "/" + pod.instanceId());
    }
    return out;
  }

  /** The labels of one family's series: {@code pool} is the family's bounded display name. */
  static Map<String, String> poolLabels(PodView pod, String podLabel, FamilyView f) {
    Map<String, String> l = new LinkedHashMap<>();
    l.put("db", f.target().id());
    l.put("service", pod.service());
    l.put("pod", podLabel);
    l.put("pool", f.label());
    return l;
  }

  private static Map<String, String> podLabels(
      PodView pod, String podLabel, TargetKey t, String k, String v) {
    Map<String, String> l = new LinkedHashMap<>();
    l.put("db", t.id());
    l.put("service", pod.service());
    l.put("pod", podLabel);
    l.put(k, v);
    return l;
  }

  private static Map<String, String> with(Map<String, String> l, String k, String v) {
    Map<String, String> m = new LinkedHashMap<>(l);
    m.put(k, v);
    return m;
  }

  /** Per server, and per database and role of each server. */
  private static void servers(List<FleetSample> out, Overview o) {
    for (ServerBudget s : o.servers()) {
      Map<String, String> l = Map.of("server", s.id());
      add(out, "poolscope_server_connections_open", l, s.open());
      add(out, "poolscope_server_connections_max", l, s.maxConnections());
      add(out, "poolscope_server_connections_usable", l, s.usable());
      add(out, "poolscope_server_connections_planned", l, s.planned());
      add(out, "poolscope_server_connections_planned_ceiling", l, s.plannedAtCeiling());
      add(out, "poolscope_server_connections_actual", l, s.actual());
      add(out, "poolscope_server_connections_unattributed", l, s.unattributed());
      add(out, "poolscope_server_connections_utilization_ratio", l, s.utilization());
      s.refusedByLimit()
          .forEach(
              (limit, v) ->
                  add(
                      out,
                      "poolscope_server_connections_refused_total",
                      with(l, "limit", limit),
                      v));
      for (ServerBudget.Row r : s.databases()) {
        Map<String, String> rl = with(l, "database", r.name());
        add(out, "poolscope_server_database_connections_open", rl, r.open());
        add(out, "poolscope_server_database_connections_actual", rl, r.actual());
        add(out, "poolscope_server_database_connections_limit", rl, r.limit());
        add(out, "poolscope_server_database_connections_utilization_ratio", rl, r.utilization());
      }
      for (ServerBudget.Row r : s.roles()) {
        Map<String, String> rl = with(l, "role", r.name());
        add(out, "poolscope_server_role_connections_open", rl, r.open());
        add(out, "poolscope_server_role_connections_actual", rl, r.actual());
        add(out, "poolscope_server_role_connections_limit", rl, r.limit());
        add(out, "poolscope_server_role_connections_utilization_ratio", rl, r.utilization());
      }
    }
  }

  private static void add(List<FleetSample> out, String name, Map<String, String> l, Number v) {
    if (v != null && Double.isFinite(v.doubleValue())) {
      out.add(new FleetSample(name, l, v.doubleValue()));
    }
  }
}
