package io.poolscope.collector.internal.budget;

import io.poolscope.collector.internal.fleet.FleetSnapshot;
import io.poolscope.collector.internal.probe.ProbeResult;
import java.util.List;
import java.util.Map;

/** The fleet and every target's budget, computed together at {@code fleet.time()}. */
public record Overview(
    FleetSnapshot fleet, List<DatabaseBudget> budgets, Map<String, ProbeResult> probes) {

  /** The budget of one target, or null. */
  public DatabaseBudget budget(String id) {
    for (DatabaseBudget b : budgets) {
      if (b.id().equals(id)) {
        return b;
      }
    }
    return null;
  }
}
