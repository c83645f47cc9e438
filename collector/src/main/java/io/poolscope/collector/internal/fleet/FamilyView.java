package io.poolscope.collector.internal.fleet;

import java.util.List;

/**
 * One pool family (pools of one type, target and construction site) of one pod: the row of the pool
 * table and the label set of its series. Gauges sum the live pools; counters and histograms every
 * pool the family ever had in this JVM, so they never go down when a closed pool is dropped.
 *
 * @param key the family key (stable, opaque)
 * @param label the display name and {@code pool} label value, bounded per family
 * @param livePools pools open and reporting now
 * @param closedPools pools closed in the last {@link FleetModel#CLOSED_KEPT_MILLIS}
 * @param max sum of the live pools' maxima; null when none exposes one
 * @param created pools of this type the pod created for this target (process counter)
 * @param physical physical connections: opens and closes of every pool the family had, the oldest
 *     age and the max lifetime over its live pools
 * @param pools the live pools and those closed recently, live first
 * @param holders the oldest leases its live pools hold, oldest first, at most {@link #MAX_HOLDERS}
 */
public record FamilyView(
    TargetKey target,
    String key,
    String label,
    String type,
    int livePools,
    int closedPools,
    double used,
    double idle,
    Double max,
    Double minIdle,
    double pending,
    double waitP99,
    double useP99,
    double timeouts,
    double leaksSuspected,
    double leaksReturned,
    double leaksCollected,
    double oldestUse,
    double created,
    double closed,
    HistogramView waitHistogram,
    HistogramView useHistogram,
    PoolView.Physical physical,
    List<PoolView> pools,
    List<HolderView> holders) {

  /** Holders listed per family: the oldest of its live pools'. */
  public static final int MAX_HOLDERS = PoolReading.MAX_HOLDERS;

  /** Whether any pool of the family counts now. */
  public boolean live() {
    return livePools > 0;
  }

  /** Cumulative, reset-safe buckets; {@code counts} are per bucket, not cumulative. */
  public record HistogramView(double[] bounds, long[] counts, double sum) {}
}
