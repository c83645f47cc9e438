package io.poolscope.collector.internal.budget;

import io.poolscope.collector.internal.fleet.PodView;
import io.poolscope.collector.internal.fleet.TargetKey;
import io.poolscope.collector.internal.fleet.TargetReading;
import io.poolscope.collector.internal.probe.ProbeResult;
import io.poolscope.collector.internal.server.ServerCatalog;
import io.poolscope.collector.internal.server.ServerResolver;
import io.poolscope.collector.internal.server.ServerSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The servers' budgets from the targets' ones, in the same pass as {@link BudgetCalculator}: every
 * target is put on its server ({@link ServerResolver}), its figures summed there, and the server's
 * probe reading gives actual, the limit and the database and role rows.
 */
final class ServerRollups {
  private final ServerCatalog catalog;
  private final ServerResolver.Dns dns;
  private final int headroom;
  private volatile Cached resolver;

  private record Cached(Map<String, String> identities, ServerResolver resolver) {}

  ServerRollups(ServerCatalog catalog, ServerResolver.Dns dns, int headroom) {
    this.catalog = catalog;
    this.dns = dns;
    this.headroom = headroom;
  }

  /** One target's figures as the calculator computed them. */
  record TargetFigures(DatabaseBudget budget, long replicas, List<PodView> pods) {}

  private static final class Sums {
    final List<String> targets = new ArrayList<>();
    String via;
    long open;
    long planned;
    long plannedAtCeiling;
    long replicas;
    final Map<String, Long> dbOpen = new TreeMap<>();
    final Map<String, List<String>> dbTargets = new TreeMap<>();
    final Map<String, Double> roleOpen = new TreeMap<>();
    final Map<String, Double> refused = new TreeMap<>();
  }

  /** The server id of every target, by target id, and the servers' budgets. */
  record Result(Map<String, String> serverOfTarget, List<ServerBudget> servers) {}

  Result compute(
      List<TargetFigures> targets, Map<String, ProbeResult> serverProbes, Thresholds th) {
    ServerResolver r = resolver(serverProbes);
    Map<String, Sums> sums = new LinkedHashMap<>();
    for (ServerSpec s : catalog.servers()) {
      sums.put(s.id(), new Sums());
    }
    Map<String, String> serverOf = new HashMap<>();
    for (TargetFigures f : targets) {
      TargetKey t = f.budget().target();
      ServerResolver.Resolution res = r.resolve(t.system(), t.address(), t.port(), t.namespace());
      serverOf.put(f.budget().id(), res.serverId());
      Sums s = sums.computeIfAbsent(res.serverId(), k -> new Sums());
      s.targets.add(f.budget().id());
      if (s.via == null || !res.via().equals("address")) {
        s.via = res.via();
      }
      s.open += f.budget().open();
      s.planned += f.budget().planned();
      s.plannedAtCeiling += f.budget().plannedAtCeiling();
      s.replicas += f.replicas();
      s.dbOpen.merge(t.namespace(), f.budget().open(), Long::sum);
      s.dbTargets.computeIfAbsent(t.namespace(), k -> new ArrayList<>()).add(f.budget().id());
      for (PodView pod : f.pods()) {
        if (pod.stale()) {
          continue;
        }
        Map<String, Double> users = pod.openByUser().get(t);
        if (users != null) {
          users.forEach(
              (u, n) -> {
                if (!u.equals(TargetReading.NO_USER)) {
                  s.roleOpen.merge(u, n, Double::sum);
                }
              });
        }
        Map<String, Double> refused = pod.refusedByLimit().get(t);
        if (refused != null) {
          refused.forEach((l, n) -> s.refused.merge(l, n, Double::sum));
        }
      }
    }
    Map<String, ServerSpec> specs = new HashMap<>();
    catalog.servers().forEach(s -> specs.put(s.id(), s));
    List<ServerBudget> out = new ArrayList<>(sums.size());
    sums.forEach(
        (id, s) ->
            out.add(
                budget(id, s, specs.get(id), serverProbes.getOrDefault(id, ProbeResult.NONE), th)));
    return new Result(Map.copyOf(serverOf), List.copyOf(out));
  }

  private ServerBudget budget(
      String id, Sums s, ServerSpec spec, ProbeResult probe, Thresholds th) {
    Limit limit =
        Limit.of(
            spec == null ? null : spec.maxConnections(),
            spec == null ? null : spec.reserved(),
            probe);
    Integer max = limit.max();
    Integer reserved = limit.reserved();
    String source = limit.source();
    Integer usable = limit.usable();
    Integer actual = probe.isOk() ? probe.actual() : null;
    long counted = actual != null && s.open > actual ? actual : s.open;
    Double utilization = usable == null || usable == 0 ? null : (double) counted / usable;
    Integer unattributed = actual == null ? null : (int) Math.max(0, actual - s.open);
    Integer suggested =
        usable == null || s.replicas == 0
            ? null
            : (int) Math.max(0, (usable - headroom) / s.replicas);
    List<ServerBudget.Row> databases = new ArrayList<>();
    Map<String, ProbeResult.Scope> dbScopes = scopes(probe.databases());
    TreeMap<String, Long> dbNames = new TreeMap<>(s.dbOpen);
    dbScopes.forEach((n, sc) -> dbNames.putIfAbsent(n, 0L));
    dbNames.forEach(
        (n, open) -> {
          if (probe.isOk() && !dbScopes.containsKey(n) && open == 0) {
            return;
          }
          databases.add(
              row(
                  n,
                  s.dbTargets.getOrDefault(n, List.of()),
                  open,
                  dbScopes.get(n),
                  probe.isOk(),
                  th));
        });
    List<ServerBudget.Row> roles = new ArrayList<>();
    Map<String, ProbeResult.Scope> roleScopes = scopes(probe.roles());
    TreeMap<String, Long> roleNames = new TreeMap<>();
    s.roleOpen.forEach((n, v) -> roleNames.put(n, Math.round(v)));
    roleScopes.forEach(
        (n, sc) -> {
          // Roles that can log in but hold nothing and have no limit would only add noise.
          if (sc.count() > 0 || sc.limit() != null) {
            roleNames.putIfAbsent(n, 0L);
          }
        });
    roleNames.forEach(
        (n, open) -> roles.add(row(n, List.of(), open, roleScopes.get(n), probe.isOk(), th)));
    String identity = probe.server() == null ? null : probe.server().identity();
    return new ServerBudget(
        id,
        s.targets,
        s.via == null ? "configured" : s.via,
        identity,
        max,
        reserved,
        usable,
        source,
        s.open,
        s.planned,
        s.plannedAtCeiling,
        actual,
        counted,
        unattributed,
        utilization,
        suggested,
        th.state(utilization),
        s.refused,
        databases,
        roles,
        probe);
  }

  private static ServerBudget.Row row(
      String name,
      List<String> targets,
      long open,
      ProbeResult.Scope scope,
      boolean probed,
      Thresholds th) {
    Integer actual = scope != null ? Integer.valueOf(scope.count()) : probed ? 0 : null;
    Integer limit = scope == null ? null : scope.limit();
    long counted = actual != null ? actual : open;
    Double u = limit == null || limit == 0 ? null : (double) counted / limit;
    return new ServerBudget.Row(name, targets, open, actual, limit, u, th.state(u));
  }

  private static Map<String, ProbeResult.Scope> scopes(List<ProbeResult.Scope> in) {
    Map<String, ProbeResult.Scope> out = new TreeMap<>();
    for (ProbeResult.Scope s : in) {
      out.put(s.name(), s);
    }
    return out;
  }

  /** The resolver for the probes' current identities; a new one only when they change. */
  private ServerResolver resolver(Map<String, ProbeResult> serverProbes) {
    Map<String, String> ids = new HashMap<>();
    serverProbes.forEach(
        (id, p) -> {
          if (p.server() != null && p.server().identity() != null) {
            ids.put(id, p.server().identity());
          }
        });
    Cached c = resolver;
    if (c == null || !c.identities().equals(ids)) {
      c = new Cached(Map.copyOf(ids), new ServerResolver(catalog, ids, dns));
      resolver = c;
    }
    return c.resolver();
  }
}
