package io.poolscope.collector.internal.api;

import static io.poolscope.collector.internal.api.Json.num;
import static io.poolscope.collector.internal.api.Json.obj;

import io.poolscope.collector.internal.budget.ServerBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The server objects of API.md: every figure is read from the {@link ServerBudget}. */
final class ServerJson {
  private ServerJson() {}

  static Map<String, Object> server(ServerBudget s) {
    Map<String, Object> refused = new TreeMap<>();
    s.refusedByLimit().forEach((k, v) -> refused.put(k, num(v)));
    return obj(
        "id", s.id(),
        "targets", s.targets(),
        "via", s.via(),
        "identity", s.identity(),
        "maxConnections", s.maxConnections(),
        "reserved", s.reserved(),
        "usable", s.usable(),
        "limitSource", s.limitSource(),
        "open", s.open(),
        "planned", s.planned(),
        "plannedAtCeiling", s.plannedAtCeiling(),
        "actual", s.actual(),
        "counted", s.counted(),
        "unattributed", s.unattributed(),
        "utilization", s.utilization(),
        "suggestedPoolMax", s.suggestedPoolMax(),
        "state", s.state(),
        "refusedByLimit", refused,
        "probe",
            obj(
                "status", s.probe().status(),
                "error", s.probe().error(),
                "checkedAt", s.probe().checkedAt()),
        "databases", rows(s.databases()),
        "roles", rows(s.roles()));
  }

  private static List<Object> rows(List<ServerBudget.Row> rows) {
    List<Object> out = new ArrayList<>(rows.size());
    for (ServerBudget.Row r : rows) {
      out.add(
          obj(
              "name", r.name(),
              "targets", r.targets(),
              "open", r.open(),
              "actual", r.actual(),
              "limit", r.limit(),
              "usable", r.usable(),
              "utilization", r.utilization(),
              "state", r.state()));
    }
    return out;
  }
}
