package io.poolscope.collector.internal.budget;

import io.poolscope.collector.internal.fleet.FleetSnapshot;
import io.poolscope.collector.internal.probe.ProbeResult;
import java.util.List;
import java.util.Map;

/**
 * The fleet and every target's budget and rollup, computed together at {@code fleet.time()}.
 *
 * @param rollups per target id
 * @param services every service's sums over all targets, by name
 * @param servers every database server's budget, configured servers first
 * @param serverOfTarget the server id of each target id
 */
public record Overview(
    FleetSnapshot fleet,
    List<DatabaseBudget> budgets,
    Map<String, ProbeResult> probes,
    Map<String, TargetRollup> rollups,
    List<ServiceRollup> services,
    List<ServerBudget> servers,
    Map<String, String> serverOfTarget) {

  /** The budget of one target, or null. */
  public DatabaseBudget budget(String id) {
    TargetRollup r = rollups.get(id);
    return r == null ? null : r.budget();
  }

  /** The budget of one server, or null. */
  public ServerBudget server(String id) {
    for (ServerBudget s : servers) {
      if (s.id().equals(id)) {
        return s;
      }
    }
    return null;
  }
}
