package io.poolscope.collector.internal.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The arithmetic of a plan, written out in collector/PLAN.md. Pure: the same demands and limits
 * give the same plan.
 */
public final class PlanCalculator {
  private PlanCalculator() {}

  /**
   * Plans {@code demands} against {@code limits}.
   *
   * @throws PlanInputException naming a server no limit is known for
   */
  public static Plan plan(List<Demand> demands, Map<ServerKey, Limit> limits) {
    Map<ServerKey, List<Demand>> byServer = new TreeMap<>();
    for (Demand d : demands) {
      byServer.computeIfAbsent(d.server(), k -> new ArrayList<>()).add(d);
    }
    List<Plan.Server> servers = new ArrayList<>();
    byServer.forEach(
        (server, list) -> {
          Limit limit = limits.get(server);
          if (limit == null) {
            throw new PlanInputException(
                "--limit",
                "no limit known for "
                    + server
                    + " (used by "
                    + list.get(0).service()
                    + "): pass --limit "
                    + server
                    + "=MAX[-RESERVED] or --collector with a probe or configured limit for it");
          }
          servers.add(server(server, limit, list));
        });
    return new Plan(servers);
  }

  private static Plan.Server server(ServerKey server, Limit limit, List<Demand> demands) {
    long atCeiling = 0;
    long atRollout = 0;
    for (Demand d : demands) {
      atCeiling += d.ceiling() * d.connectionsPerPod();
      atRollout += d.rollout() * d.connectionsPerPod();
    }
    int usable = limit.usable();
    List<Plan.Row> rows = new ArrayList<>();
    for (Demand d : demands) {
      long mine = d.rollout() * d.connectionsPerPod();
      Integer suggested = null;
      long pools = (long) d.rollout() * d.poolsPerPod();
      if (d.planned() && pools > 0) {
        // What the others leave of the usable connections, shared by every pool of this service
        // at its rollout peak.
        long share = usable - (atRollout - mine);
        suggested = (int) Math.max(0, Math.floorDiv(share, pools));
      }
      rows.add(
          new Plan.Row(
              d,
              d.ceiling() * d.connectionsPerPod(),
              mine,
              usable == 0 ? null : (double) mine / usable,
              suggested));
    }
    return new Plan.Server(server, demands.get(0).system(), limit, rows, atCeiling, atRollout);
  }
}
