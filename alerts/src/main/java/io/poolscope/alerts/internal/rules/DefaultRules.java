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

  /** The defaults, in display order. */
  public static List<Rule> all() {
    return List.of(
        rule(
            "PoolscopeBudgetHigh",
            "poolscope_db_connections_utilization_ratio > 0.8",
            "1m",
            "warning",
            "Database {{ $labels.db }} uses {{ $value | humanizePercentage }} of its usable"
                + " connections",
            "Open connections of the fleet to {{ $labels.db }} have been above 80% of the usable"
                + " limit (max_connections minus reserved) for 1 minute. New pods or pool growth"
                + " will be refused by the database."),
        rule(
            "PoolscopePoolSaturated",
            "poolscope_pool_utilization_ratio > 0.8",
            "1m",
            "warning",
            "Pool {{ $labels.pool }} of {{ $labels.service }} on {{ $labels.pod }} is"
                + " {{ $value | humanizePercentage }} used",
            "More than 80% of the pool's maximum connections have been in use for 1 minute;"
                + " borrowers will start to wait."),
        rule(
            "PoolscopeAcquireWaitHigh",
            "poolscope_pool_wait_seconds_p99 > 0.1",
            "1m",
            "warning",
            "Acquire wait p99 of pool {{ $labels.pool }} ({{ $labels.service }}, {{ $labels.pod"
                + " }}) is {{ $value | humanizeDuration }}",
            "The 99th percentile of time spent in getConnection over the last minute has been"
                + " above 100ms for 1 minute."),
        rule(
            "PoolscopeConnectionLeak",
            "poolscope_connection_leaks_recent{state=~\"suspected|collected\"} > 0",
            "0s",
            "critical",
            "Connection leak ({{ $labels.state }}) in {{ $labels.service }} pool"
                + " {{ $labels.pool }} at {{ $labels.call_site }}",
            "{{ $value }} lease(s) borrowed at {{ $labels.call_site }} were {{ $labels.state }}"
                + " in the last 5 minutes: held past the leak threshold (suspected) or dropped"
                + " without close() (collected)."),
        rule(
            "PoolscopePlannedOverUsable",
            "poolscope_db_connections_planned > poolscope_db_connections_usable",
            "1m",
            "warning",
            "Pools planned against {{ $labels.db }} may open {{ $value }} connections, more than"
                + " the database's usable limit",
            "The sum of the configured maximum of every pool exceeds max_connections minus"
                + " reserved slots: under load the database will refuse connections."),
        rule(
            "PoolscopePlannedAtCeilingOverUsable",
            "poolscope_db_connections_planned_ceiling > poolscope_db_connections_usable",
            "1m",
            "info",
            "At autoscaler ceiling, pools against {{ $labels.db }} may open {{ $value }}"
                + " connections, more than the usable limit",
            "If every service scales to its configured maximum replicas, the planned pool sizes"
                + " exceed the usable limit."),
        rule(
            "PoolscopeConnectionRefused",
            "increase(poolscope_connection_refused_total[5m]) > 0",
            "0s",
            "critical",
            "Database {{ $labels.db }} refused {{ $value }} connection(s) from {{ $labels.service"
                + " }} ({{ $labels.pod }}), SQLState {{ $labels.error_type }}",
            "Physical connection opens were refused in the last 5 minutes (53300: too many"
                + " connections)."),
        rule(
            "PoolscopePoolChurn",
            "increase(poolscope_pools_created_total[15m]) > 3",
            "5m",
            "warning",
            "{{ $labels.pod }} of {{ $labels.service }} created {{ $value }} pools"
                + " ({{ $labels.pool_type }}) in 15 minutes",
            "A pod that keeps constructing connection pools (for example one per job) multiplies"
                + " its connections; compare with poolscope_pools_closed_total."),
        rule(
            "PoolscopePoolTimeouts",
            "increase(poolscope_pool_timeouts_total[5m]) > 0",
            "0s",
            "critical",
            "{{ $value }} getConnection call(s) of pool {{ $labels.pool }} ({{ $labels.service"
                + " }}, {{ $labels.pod }}) failed in 5 minutes",
            "Borrowers gave up waiting for a connection (or the pool could not open one): the"
                + " pool is exhausted or its database unreachable. Any timeout is a failed"
                + " request."),
        rule(
            "PoolscopeConnectionPastMaxLifetime",
            "poolscope_pool_connection_oldest_age_seconds > poolscope_pool_max_lifetime_seconds",
            "1m",
            "warning",
            "Pool {{ $labels.pool }} ({{ $labels.service }}, {{ $labels.pod }}) keeps a"
                + " connection {{ $value | humanizeDuration }} old, past its max lifetime",
            "The pool's oldest physical connection has outlived the pool's configured max"
                + " lifetime for 1 minute: a lease held longer than the lifetime, or a pool that"
                + " cannot retire connections. Whatever the lifetime protects against (database"
                + " or proxy idle limits, credential rotation, failover) is not happening."),
        rule(
            "PoolscopeConnectionChurn",
            "increase(poolscope_pool_connections_created_total[15m])"
                + " > 10 * poolscope_pool_connections_max",
            "0s",
            "warning",
            "Pool {{ $labels.pool }} ({{ $labels.service }}, {{ $labels.pod }}) opened {{ $value"
                + " }} connections in 15 minutes, over 10 times its size",
            "The pool keeps reopening physical connections: connections closed as broken, a max"
                + " lifetime or idle timeout far too short, or leaked connections the pool"
                + " replaces. Each open costs the database a backend; see"
                + " poolscope_pool_connections_closed_total for the reasons."));
  }

  private static Rule rule(
      String name, String expr, String forText, String severity, String summary, String desc) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("summary", summary);
    annotations.put("description", desc);
    return Rule.of(name, expr, forText, Map.of("severity", severity), annotations);
  }
}
