package io.poolscope.collector.internal.budget;

import io.poolscope.collector.internal.fleet.TargetKey;
import io.poolscope.collector.internal.probe.ProbeResult;

/**
 * The connection budget of one database target (DESIGN.md section 4). Null figures are unknown: no
 * limit configured or probed, or no probe for {@code actual}.
 *
 * @param utilization open / usable; while the agents report more than the database counts ({@code
 *     overReport}), the database's own count / usable, so it is never one the database could not
 *     have
 * @param overReport set while the agents' sum exceeds the probe's count
 * @param podsOverSuggested live pods whose pools' maxima exceed {@code suggestedPoolMax}
 * @param state ok, warning, critical (utilization against {@code thresholds}) or unknown
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
    int podsOverSuggested,
    double waitP99,
    double useP99,
    ProbeResult probe,
    OverReport overReport,
    String state,
    Thresholds thresholds) {

  /**
   * The agents report {@code agents} connections, the database counts {@code database}; {@code
   * silentPods} live pods missed their last export (they likely stopped without a word).
   */
  public record OverReport(long agents, int database, int silentPods) {}
}
