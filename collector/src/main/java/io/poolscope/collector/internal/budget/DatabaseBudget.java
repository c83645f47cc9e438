package io.poolscope.collector.internal.budget;

import io.poolscope.collector.internal.fleet.TargetKey;
import io.poolscope.collector.internal.probe.ProbeResult;

/**
 * The connection budget of one database target (DESIGN.md section 4). Null figures are unknown: no
 * limit configured or probed, or no probe for {@code actual}.
 */
public record DatabaseBudget(
    String id,
    TargetKey target,
    Integer maxConnections,
    Integer reserved,
    Integer usable,
    String limitSource,
    long open,
    long planned,
    long plannedAtCeiling,
    Integer actual,
    Integer unattributed,
    Double utilization,
    long pending,
    int services,
    int pods,
    int pools,
    Integer suggestedPoolMax,
    double waitP99,
    double useP99,
    ProbeResult probe) {}
