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
import java.util.function.Predicate;

/**
 * Derives the samples of API.md from an overview: per database target, and per pool family of each
 * live pod. Exited and stale pods contribute nothing, so their series disappear from {@code
 * /metrics} as they leave the sums.
 */
public final class FleetSamples {
  private FleetSamples() {}

  /** The samples derived so far, and which names are wanted. */
  private record Out(List<FleetSample> samples, Predicate<String> wanted) {}

  /** Writes the samples of one label set: a database, a server, a family of a pod. */
  private record Scope(Out out, Map<String, String> labels) {
    /**
     * A sample of {@code name}; an unknown (null) or non-finite value, or a name not wanted, none.
     */
    Scope add(String name, Number v) {
      if (v != null && Double.isFinite(v.doubleValue()) && out.wanted().test(name)) {
        out.samples().add(new FleetSample(name, labels, v.doubleValue()));
      }
      return this;
    }

    /** The same labels and one more. */
    Scope with(String k, String v) {
      return new Scope(out, FleetSamples.with(labels, k, v));
    }
  }

  /** Every sample of the overview, database series first. */
  public static List<FleetSample> derive(Overview o) {
    return derive(o, name -> true);
  }

  /**
   * The samples of the overview whose name {@code wanted} accepts, in the order of {@link
   * #derive(Overview)}: the alert rules read a few names of the hundreds of thousands of samples a
   * large fleet has, and a round that builds only those keeps its garbage young.
   */
  public static List<FleetSample> derive(Overview o, Predicate<String> wanted) {
    Out out = new Out(new ArrayList<>(), wanted);
    for (DatabaseBudget b : o.budgets()) {
      Scope db = new Scope(out, dbLabels(b.id(), b.target()));
      db.add("poolscope_db_connections_open", b.open())
          .add("poolscope_db_connections_max", b.maxConnections())
          .add("poolscope_db_connections_usable", b.usable())
          .add("poolscope_db_connections_planned", b.planned())
          .add("poolscope_db_connections_planned_ceiling", b.plannedAtCeiling())
          .add("poolscope_db_connections_actual", b.actual())
          .add("poolscope_db_connections_unattributed", b.unattributed())
          .add("poolscope_db_connections_utilization_ratio", b.utilization())
          .add("poolscope_db_connections_pending", b.pending());
      if (!"none".equals(b.probe().status())) {
        db.add("poolscope_db_probe_up", b.probe().isOk() ? 1 : 0);
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
        family(new Scope(out, poolLabels(pod, name, f)), f);
      }
      perType(out, pod, name, pod.refused(), "poolscope_connection_refused_total", "error_type");
      perType(out, pod, name, pod.poolsCreated(), "poolscope_pools_created_total", "pool_type");
      perType(out, pod, name, pod.poolsClosed(), "poolscope_pools_closed_total", "pool_type");
    }
    return out.samples();
  }

  /** One family's gauges and counters. */
  private static void family(Scope pool, FamilyView f) {
    pool.add("poolscope_pool_connections_used", f.used())
        .add("poolscope_pool_connections_idle", f.idle())
        .add("poolscope_pool_connections_max", f.max())
        .add("poolscope_pool_connections_pending", f.pending());
    if (f.max() != null && f.max() > 0) {
      pool.add("poolscope_pool_utilization_ratio", f.used() / f.max());
    }
    pool.add("poolscope_pool_wait_seconds_p99", f.waitP99())
        .add("poolscope_pool_use_seconds_p99", f.useP99())
        .add("poolscope_pool_oldest_use_seconds", f.oldestUse())
        .add("poolscope_pool_timeouts_total", f.timeouts());
    pool.with("state", "suspected").add("poolscope_connection_leaks_total", f.leaksSuspected());
    pool.with("state", "returned").add("poolscope_connection_leaks_total", f.leaksReturned());
    pool.with("state", "collected").add("poolscope_connection_leaks_total", f.leaksCollected());
    PoolView.Physical p = f.physical();
    pool.add("poolscope_pool_connections_created_total", p.created());
    p.closed()
        .forEach(
            (reason, v) ->
                pool.with("reason", reason).add("poolscope_pool_connections_closed_total", v));
    pool.add("poolscope_pool_connection_oldest_age_seconds", p.oldestAge())
        .add("poolscope_pool_max_lifetime_seconds", p.maxLifetime());
  }

  /** A pod's counter per target and one more label (SQLState, pool type). */
  private static void perType(
      Out out,
      PodView pod,
      String podLabel,
      Map<TargetKey, Map<String, Double>> byTarget,
      String name,
      String key) {
    byTarget.forEach(
        (t, byValue) ->
            byValue.forEach(
                (value, v) ->
                    new Scope(out, podLabels(pod, podLabel, t, key, value)).add(name, v)));
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
  private static void servers(Out out, Overview o) {
    for (ServerBudget s : o.servers()) {
      Scope server = new Scope(out, Map.of("server", s.id()));
      server
          .add("poolscope_server_connections_open", s.open())
          .add("poolscope_server_connections_max", s.maxConnections())
          .add("poolscope_server_connections_usable", s.usable())
          .add("poolscope_server_connections_planned", s.planned())
          .add("poolscope_server_connections_planned_ceiling", s.plannedAtCeiling())
          .add("poolscope_server_connections_actual", s.actual())
          .add("poolscope_server_connections_unattributed", s.unattributed())
          .add("poolscope_server_connections_utilization_ratio", s.utilization());
      s.refusedByLimit()
          .forEach(
              (limit, v) ->
                  server.with("limit", limit).add("poolscope_server_connections_refused_total", v));
      for (ServerBudget.Row r : s.databases()) {
        row(server.with("database", r.name()), "poolscope_server_database_connections_", r);
      }
      for (ServerBudget.Row r : s.roles()) {
        row(server.with("role", r.name()), "poolscope_server_role_connections_", r);
      }
    }
  }

  /** A database's or role's row: {@code prefix} + open, actual, limit, utilization_ratio. */
  private static void row(Scope s, String prefix, ServerBudget.Row r) {
    s.add(prefix + "open", r.open())
        .add(prefix + "actual", r.actual())
        .add(prefix + "limit", r.limit())
        .add(prefix + "utilization_ratio", r.utilization());
  }
}
