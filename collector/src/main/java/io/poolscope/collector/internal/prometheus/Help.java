package io.poolscope.collector.internal.prometheus;

import java.util.Map;

/** HELP text of each fleet series. */
final class Help {
  private static final Map<String, String> TEXT =
      Map.ofEntries(
          Map.entry(
              "poolscope_db_connections_open",
              "Physical connections the live pods hold open to the database target."),
          Map.entry("poolscope_db_connections_max", "max_connections of the database target."),
          Map.entry(
              "poolscope_db_connections_usable",
              "max_connections minus reserved slots: what applications can use."),
          Map.entry(
              "poolscope_db_connections_planned",
              "Sum of the live pools' configured maximum sizes."),
          Map.entry(
              "poolscope_db_connections_planned_ceiling",
              "Planned connections with every service at its configured maximum replicas."),
          Map.entry(
              "poolscope_db_connections_actual",
              "Client connections the database itself counts (probe)."),
          Map.entry(
              "poolscope_db_connections_unattributed",
              "Connections the database counts that no agent reports."),
          Map.entry(
              "poolscope_db_connections_utilization_ratio",
              "open / usable; the probe's count / usable while the agents report more."),
          Map.entry(
              "poolscope_db_connections_pending",
              "Threads waiting for a connection across the fleet."),
          Map.entry(
              "poolscope_server_connections_open",
              "Physical connections the live pods hold open to the database server, over all its databases."),
          Map.entry("poolscope_server_connections_max", "max_connections of the database server."),
          Map.entry(
              "poolscope_server_connections_usable",
              "The server's max_connections minus reserved slots."),
          Map.entry(
              "poolscope_server_connections_planned",
              "Sum of the live pools' configured maximum sizes on the server."),
          Map.entry(
              "poolscope_server_connections_planned_ceiling",
              "Planned connections on the server with every service at its maximum replicas."),
          Map.entry(
              "poolscope_server_connections_actual",
              "Client connections the server counts (probe), over all its databases."),
          Map.entry(
              "poolscope_server_connections_unattributed",
              "Sessions the server counts that no agent accounts for."),
          Map.entry(
              "poolscope_server_connections_utilization_ratio",
              "Server open / usable; the probe's count / usable while the agents report more."),
          Map.entry(
              "poolscope_server_connections_refused_total",
              "Physical connection opens the server refused, by the limit that refused them."),
          Map.entry(
              "poolscope_server_database_connections_open",
              "Physical connections the live pods hold open to one database of the server."),
          Map.entry(
              "poolscope_server_database_connections_actual",
              "Client sessions the server counts on one database."),
          Map.entry(
              "poolscope_server_database_connections_limit",
              "The database's own connection limit (datconnlimit)."),
          Map.entry(
              "poolscope_server_database_connections_utilization_ratio",
              "A database's actual (else open) / its own limit."),
          Map.entry(
              "poolscope_server_role_connections_open",
              "Physical connections the live pods hold open as one role or account."),
          Map.entry(
              "poolscope_server_role_connections_actual",
              "Client sessions the server counts for one role or account."),
          Map.entry(
              "poolscope_server_role_connections_limit",
              "The role's or account's own limit (rolconnlimit, max_user_connections)."),
          Map.entry(
              "poolscope_server_role_connections_utilization_ratio",
              "A role's actual (else open) / its own limit."),
          Map.entry("poolscope_db_probe_up", "1 when the last database probe succeeded."),
          Map.entry("poolscope_pool_connections_used", "Connections in use, per pool."),
          Map.entry("poolscope_pool_connections_idle", "Idle connections, per pool."),
          Map.entry("poolscope_pool_connections_max", "Configured maximum size, per pool."),
          Map.entry(
              "poolscope_pool_connections_pending", "Threads waiting in getConnection, per pool."),
          Map.entry("poolscope_pool_utilization_ratio", "used / max, per pool."),
          Map.entry(
              "poolscope_pool_wait_seconds_p99",
              "99th percentile of getConnection time over the last minute."),
          Map.entry(
              "poolscope_pool_use_seconds_p99",
              "99th percentile of connection hold time over the last minute."),
          Map.entry("poolscope_pool_oldest_use_seconds", "Age of the oldest lease still held."),
          Map.entry("poolscope_pool_timeouts_total", "getConnection calls that failed."),
          Map.entry(
              "poolscope_connection_leaks_total", "Leases held past the leak threshold, by state."),
          Map.entry(
              "poolscope_connection_refused_total",
              "Physical connection opens the database refused, by SQLState."),
          Map.entry("poolscope_pools_created_total", "Pools constructed, by pool type."),
          Map.entry(
              "poolscope_pool_connections_created_total",
              "Physical connections opened for the pool."),
          Map.entry(
              "poolscope_pool_connections_closed_total",
              "Physical connections the pool closed, by reason (idle_timeout, max_lifetime,"
                  + " broken, other)."),
          Map.entry(
              "poolscope_pool_connection_oldest_age_seconds",
              "Age of the pool's oldest open physical connection."),
          Map.entry(
              "poolscope_pool_max_lifetime_seconds",
              "Configured max lifetime of the pool's physical connections."),
          Map.entry(
              "poolscope_connection_leaks_recent",
              "Leak events in the last 5 minutes from pods still reporting, by call site."),
          Map.entry("poolscope_pools_closed_total", "Pools closed, by pool type."));

  private Help() {}

  static String of(String name) {
    return TEXT.getOrDefault(name, name);
  }
}
