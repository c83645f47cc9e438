package io.poolscope.alerts.internal.rules;

import io.poolscope.alerts.Rule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in rules (issue 5, DESIGN.md section 5), over the sample names of collector/API.md.
 * alerts/RULES.md lists them; keep the two in step.
 */
public final class DefaultRules {
  private DefaultRules() {}

  /**
   * The defaults, in display order. Each aggregates to the level a person fixes: the database
   * server for the budget, the service and pool family for saturation and waits (plus the call site
   * for leaks), the service and SQLState for refusals, the service and pool type for churn. Waits,
   * saturation and churn filter before they aggregate, so an alert's {@code pods()} and {@code
   * pools()} are the ones over the threshold and its value is the worst of them.
   */
  public static List<Rule> all() {
    return List.of(
        rule(
            "PoolscopeBudgetHigh",
            "max by (server) (poolscope_server_connections_utilization_ratio) > 0.8",
            "1m",
            "warning",
            "Server {{ $labels.server }} uses {{ $value | humanizePercentage }} of its usable"
                + " connections",
            "Open connections of the fleet to {{ $labels.server }}, over all its databases, have"
                + " been above 80% of the usable limit (max_connections minus reserved) for"
                + " {{ $for }}. New pods or pool growth will be refused by the server."),
        rule(
            "PoolscopeRoleBudgetHigh",
            "max by (server, role) (poolscope_server_role_connections_utilization_ratio) > 0.8",
            "1m",
            "warning",
            "Role {{ $labels.role }} on {{ $labels.server }} uses"
                + " {{ $value | humanizePercentage }} of its connection limit",
            "Sessions of {{ $labels.role }} on {{ $labels.server }} have been above 80% of the"
                + " role's own limit (PostgreSQL rolconnlimit, MySQL max_user_connections) for"
                + " {{ $for }}. Past it the server refuses the role with 53300 (too many"
                + " connections for role) even while the server has slots left."),
        rule(
            "PoolscopePoolSaturated",
            "max by (db, service, pool) (poolscope_pool_utilization_ratio > 0.8)",
            "1m",
            "warning",
            "Pool {{ $labels.pool }} of {{ $labels.service }} is up to"
                + " {{ $value | humanizePercentage }} used",
            "On the pods this alert covers, more than 80% of the {{ $labels.pool }} pool's"
                + " maximum connections have been in use for {{ $for }}; borrowers of"
                + " {{ $labels.service }} will start to wait."),
        rule(
            "PoolscopeAcquireWaitHigh",
            "max by (db, service, pool) (poolscope_pool_wait_seconds_p99 > 0.1)",
            "1m",
            "warning",
            "Acquire wait p99 of {{ $labels.service }} pool {{ $labels.pool }} is up to"
                + " {{ $value | humanizeDuration }}",
            "On the pods this alert covers, the 99th percentile of time spent in getConnection"
                + " on the {{ $labels.pool }} pool has been above 100ms for {{ $for }}."),
        rule(
            "PoolscopeConnectionLeak",
            "sum by (db, service, pool, call_site)"
                + " (poolscope_connection_leaks_recent{state=~\"suspected|collected\"}) > 0",
            "0s",
            "critical",
            "Connection leak in {{ $labels.service }} pool {{ $labels.pool }} at"
                + " {{ $labels.call_site }}",
            "{{ $value }} lease(s) borrowed at {{ $labels.call_site }} were held past the leak"
                + " threshold or dropped without close() in the last 5 minutes. The Leaks tab of"
                + " the dashboard lists them under \"Where they come from\", with the borrowing"
                + " thread and where it is now."),
        rule(
            "PoolscopePlannedOverUsable",
            "max by (db) (poolscope_db_connections_planned)"
                + " > max by (db) (poolscope_db_connections_usable)",
            "1m",
            "warning",
            "Pools planned against {{ $labels.db }} may open {{ $value }} connections, more than"
                + " the database's usable limit",
            "For {{ $for }}, the sum of the configured maximum of every live pool has exceeded"
                + " max_connections minus reserved slots: under load the database will refuse"
                + " connections."),
        rule(
            "PoolscopePlannedAtCeilingOverUsable",
            "max by (db) (poolscope_db_connections_planned_ceiling)"
                + " > max by (db) (poolscope_db_connections_usable)",
            "1m",
            "info",
            "At autoscaler ceiling, pools against {{ $labels.db }} may open {{ $value }}"
                + " connections, more than the usable limit",
            "For {{ $for }}, the planned pool sizes with every service at its configured"
                + " maximum replicas have exceeded the usable limit."),
        rule(
            "PoolscopeConnectionRefused",
            "sum by (db, service, error_type) (increase(poolscope_connection_refused_total[5m]))"
                + " > 0",
            "0s",
            "critical",
            "Database {{ $labels.db }} refused {{ $value }} connection(s) from"
                + " {{ $labels.service }} in {{ $range }}, SQLState {{ $labels.error_type }}",
            "Physical connection opens of {{ $labels.service }} were refused in the last"
                + " {{ $range }} (53300: too many connections)."),
        rule(
            "PoolscopePoolChurn",
            "max by (db, service, pool_type)"
                + " (increase(poolscope_pools_created_total[15m]) > 3)",
            "5m",
            "warning",
            "Pods of {{ $labels.service }} keep creating {{ $labels.pool_type }} pools: up to"
                + " {{ $value }} per pod in {{ $range }}",
            "For {{ $for }}, pods of {{ $labels.service }} (those this alert covers) have"
                + " created more than 3 {{ $labels.pool_type }} pools each in {{ $range }}."
                + " A pod that keeps constructing"
                + " connection pools (for example one per job) multiplies its connections; compare"
                + " with poolscope_pools_closed_total."),
        rule(
            "PoolscopePoolTimeouts",
            "sum by (db, service, pool) (increase(poolscope_pool_timeouts_total[5m])) > 0",
            "0s",
            "critical",
            "{{ $value }} getConnection call(s) of {{ $labels.service }} pool {{ $labels.pool }}"
                + " failed in {{ $range }}",
            "Borrowers of {{ $labels.service }} gave up waiting for a connection of the"
                + " {{ $labels.pool }} pool (or the pool could not open one) in the last"
                + " {{ $range }}: the pool is exhausted or its database unreachable. Any timeout"
                + " is a failed request."),
        rule(
            "PoolscopeConnectionPastMaxLifetime",
            "max by (db, service, pool)"
                + " (poolscope_pool_connection_oldest_age_seconds"
                + " > poolscope_pool_max_lifetime_seconds)",
            "1m",
            "warning",
            "Pool {{ $labels.pool }} of {{ $labels.service }} keeps a connection up to"
                + " {{ $value | humanizeDuration }} old, past its max lifetime",
            "On the pods this alert covers, the pool's oldest physical connection has outlived"
                + " the pool's configured max lifetime for {{ $for }}: a lease held longer than"
                + " the lifetime, or a pool that cannot retire connections. Whatever the lifetime"
                + " protects against (database or proxy idle limits, credential rotation,"
                + " failover) is not happening."),
        rule(
            "PoolscopeConnectionChurn",
            "max by (db, service, pool)"
                + " (increase(poolscope_pool_connections_created_total[15m])"
                + " > 10 * poolscope_pool_connections_max)",
            "0s",
            "warning",
            "Pool {{ $labels.pool }} of {{ $labels.service }} opened up to {{ $value }}"
                + " connections per pod in {{ $range }}, over 10 times its size",
            "On the pods this alert covers, the pool keeps reopening physical connections:"
                + " connections closed as broken, a max lifetime or idle timeout far too short,"
                + " or leaked connections the pool replaces. Each open costs the database a"
                + " backend; see poolscope_pool_connections_closed_total for the reasons."));
  }

  private static Rule rule(
      String name, String expr, String forText, String severity, String summary, String desc) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("summary", summary);
    annotations.put("description", desc);
    return Rule.of(name, expr, forText, Map.of("severity", severity), annotations);
  }
}
