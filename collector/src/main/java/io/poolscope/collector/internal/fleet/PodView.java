package io.poolscope.collector.internal.fleet;

import java.util.List;
import java.util.Map;

/**
 * Immutable state of one agent JVM at one moment, with its per-target totals computed once.
 *
 * @param status live; exited (its final export said so); stale (silent for three intervals)
 * @param silent live, but its last export is more than one and a half intervals old
 * @param totals per database target: what this pod counts in the target's sums (zero unless live)
 * @param total the same over every target
 * @param families its pool families, per target
 * @param refused cumulative refused opens per target and SQLState
 * @param poolsCreated cumulative pools created per target and pool type
 * @param openByUser physical connections per target and database user ({@code ""}: not told), empty
 *     unless live and the agent sends {@code db.user}
 * @param refusedByLimit cumulative refused opens per target and the limit that refused them
 */
public record PodView(
    String service,
    String instanceId,
    String podName,
    String host,
    String version,
    Status status,
    long lastSeen,
    boolean silent,
    Map<TargetKey, Totals> totals,
    Totals total,
    List<FamilyView> families,
    Map<TargetKey, Map<String, Double>> refused,
    Map<TargetKey, Map<String, Double>> poolsCreated,
    Map<TargetKey, Map<String, Double>> poolsClosed,
    Map<TargetKey, Map<String, Double>> openByUser,
    Map<TargetKey, Map<String, Double>> refusedByLimit) {

  /** Where a pod is in its life. */
  public enum Status {
    /** Reporting: counted in every sum. */
    LIVE,
    /** Its final export said the JVM is exiting: out of every sum at once. */
    EXITED,
    /** Silent for three export intervals: out of every sum. */
    STALE
  }

  /**
   * One pod's figures for one target.
   *
   * @param open physical connections ({@code poolscope.connection.open}, else live pools' used +
   *     idle)
   * @param max sum of the live pools' maxima; null when none exposes one
   */
  public record Totals(
      double open,
      double used,
      double idle,
      Double max,
      double pending,
      int livePools,
      int closedPools) {
    static final Totals NONE = new Totals(0, 0, 0, null, 0, 0, 0);
  }

  /** Not counted in any sum: exited or stale. */
  public boolean stale() {
    return status != Status.LIVE;
  }

  /** This pod's totals for {@code target}. */
  public Totals to(TargetKey target) {
    return totals.getOrDefault(target, Totals.NONE);
  }

  /** Physical connections to {@code target}. */
  public double openTo(TargetKey target) {
    return to(target).open();
  }
}
