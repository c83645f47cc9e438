package io.poolscope.collector.internal.budget;

import io.poolscope.collector.internal.probe.ProbeResult;
import java.util.List;
import java.util.Map;

/**
 * The connection budget of one database server: every database and role on it shares its {@code
 * max_connections}, so open, planned, actual, unattributed, utilization and the suggested pool
 * maximum are the server's. Null figures are unknown.
 *
 * @param targets the ids of the agents' database targets merged into this server
 * @param via how the targets were merged: {@code configured}, {@code probe}, {@code address},
 *     {@code name} or {@code embedded}
 * @param identity the probe's identity of the server, null without a probe
 * @param counted the connections the utilization counts: open, or the server's own count while the
 *     agents report more than it has
 * @param unattributed sessions the server counts that no agent accounts for, over all its databases
 * @param refusedByLimit refused opens by the limit that refused them (server, reserved, role,
 *     database, account, unknown), cumulative over the live pods
 * @param databases its databases, each with its own open, actual and limit
 * @param roles its roles (PostgreSQL) or account users (MySQL), each with its own open, actual and
 *     limit
 * @param probe the server probe's latest reading ({@link ProbeResult#NONE} without one)
 */
public record ServerBudget(
    String id,
    List<String> targets,
    String via,
    String identity,
    Integer maxConnections,
    Integer reserved,
    Integer usable,
    String limitSource,
    long open,
    long planned,
    long plannedAtCeiling,
    Integer actual,
    long counted,
    Integer unattributed,
    Double utilization,
    Integer suggestedPoolMax,
    String state,
    Map<String, Double> refusedByLimit,
    List<Row> databases,
    List<Row> roles,
    ProbeResult probe) {

  /** Copies the collections. */
  public ServerBudget {
    targets = List.copyOf(targets);
    refusedByLimit = Map.copyOf(refusedByLimit);
    databases = List.copyOf(databases);
    roles = List.copyOf(roles);
  }

  /**
   * A database or role on the server.
   *
   * @param targets for a database row, the ids of the agents' targets on it (its database views)
   * @param open physical connections the agents hold on it
   * @param actual sessions the server counts on it; null without a probe
   * @param limit the server's limit on it ({@code datconnlimit}, {@code rolconnlimit}, {@code
   *     max_user_connections}); null when it has none
   * @param utilization actual (else open) / limit; null without a limit
   * @param state ok, warning, critical or unknown (no limit)
   */
  public record Row(
      String name,
      List<String> targets,
      long open,
      Integer actual,
      Integer limit,
      Double utilization,
      String state) {

    /** Copies the targets. */
    public Row {
      targets = List.copyOf(targets);
    }

    /** Usable connections: the limit, which has no reserved slots. */
    public Integer usable() {
      return limit;
    }
  }
}
