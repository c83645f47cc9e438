package io.poolscope.collector.internal.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plan as JSON objects (maps and lists in the documented field order, collector/PLAN.md): what
 * {@code poolscope plan --format json} prints and {@code POST /api/plan} answers.
 */
public final class PlanJson {
  private PlanJson() {}

  /** The whole plan. */
  public static Map<String, Object> of(Plan plan) {
    List<Object> servers = new ArrayList<>();
    for (Plan.Server s : plan.servers()) {
      servers.add(server(s));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("fits", plan.fits());
    m.put("servers", servers);
    return m;
  }

  private static Map<String, Object> server(Plan.Server s) {
    List<Object> rows = new ArrayList<>();
    for (Plan.Row r : s.rows()) {
      rows.add(row(r));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("server", s.server().toString());
    m.put("system", s.system());
    m.put("maxConnections", s.limit().maxConnections());
    m.put("reserved", s.limit().reserved());
    m.put("usable", s.limit().usable());
    m.put("limitSource", s.limit().source());
    m.put("connectionsAtCeiling", s.atCeiling());
    m.put("connectionsAtRollout", s.atRollout());
    m.put("shareOfUsable", round(s.share()));
    m.put("fits", s.fits());
    m.put("services", rows);
    return m;
  }

  private static Map<String, Object> row(Plan.Row r) {
    Demand d = r.demand();
    List<Object> pools = new ArrayList<>();
    for (PoolSpec p : d.pools()) {
      Map<String, Object> pm = new LinkedHashMap<>();
      pm.put("name", p.name());
      pm.put("max", p.max());
      pm.put("perPod", p.perPod());
      pm.put("source", p.where());
      pools.add(pm);
    }
    Map<String, Object> replicas = new LinkedHashMap<>();
    replicas.put("now", d.now());
    replicas.put("ceiling", d.ceiling());
    replicas.put("rollout", d.rollout());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("service", d.service());
    m.put("source", d.where());
    m.put("planned", d.planned());
    m.put("replicas", replicas);
    m.put("poolsPerPod", d.poolsPerPod());
    m.put("maxPerPool", d.maxPerPool());
    m.put("connectionsPerPod", d.connectionsPerPod());
    m.put("connectionsAtCeiling", r.atCeiling());
    m.put("connectionsAtRollout", r.atRollout());
    m.put("shareOfUsable", round(r.share()));
    m.put("suggestedPoolMax", r.suggestedPoolMax());
    m.put("pools", pools);
    return m;
  }

  private static Double round(Double v) {
    return v == null ? null : Math.round(v * 10000) / 10000.0;
  }
}
