package io.poolscope.collector.internal.fleet;

import io.poolscope.collector.internal.limits.Limits;
import io.poolscope.collector.internal.limits.Refusals;

/**
 * The fleet model's bounds by count (pods, pools per pod, series per pod), checked before a new
 * pod, pool or series is created; what is already held keeps being updated. Refusals are counted
 * and logged by {@link Refusals}.
 */
public final class FleetBounds {
  /** No bounds (tests of the model itself). */
  static final FleetBounds NONE = new FleetBounds(null, null);

  private final Limits limits;
  private final Refusals refusals;

  /** Bounds from {@code limits}, refusals counted in {@code refusals}. */
  public FleetBounds(Limits limits, Refusals refusals) {
    this.limits = limits;
    this.refusals = refusals;
  }

  boolean admitPod(int podsNow) {
    if (limits == null || podsNow < limits.maxPods()) {
      return true;
    }
    refusals.refused(
        "pod", "fleet holds " + limits.maxPods() + " pods (the bound); new pod refused");
    return false;
  }

  /** A pool already held, or a new one within the pools and series bounds; under the pod's lock. */
  boolean admitPool(PodState pod, PoolReading r) {
    if (limits == null || pod.pools.containsKey(new PodState.PoolKey(r.target(), r.name()))) {
      return true;
    }
    if (pod.pools.size() >= limits.maxPoolsPerPod()) {
      refusals.refused(
          "pool", "a pod reports more than " + limits.maxPoolsPerPod() + " pools; pool refused");
      return false;
    }
    return admitSeries(pod, 1);
  }

  /** A target's readings, when the series they add stay within the bound; under the pod's lock. */
  boolean admitTarget(PodState pod, TargetReading t) {
    if (limits == null) {
      return true;
    }
    int added = t.open() != null && !pod.open.containsKey(t.target()) ? 1 : 0;
    added += unheld(pod.refused, t, t.refused().keySet());
    added += unheld(pod.created, t, t.created().keySet());
    added += unheld(pod.closed, t, t.closed().keySet());
    return added == 0 || admitSeries(pod, added);
  }

  private boolean admitSeries(PodState pod, int added) {
    int series =
        pod.pools.size()
            + pod.open.size()
            + pod.refused.size()
            + pod.created.size()
            + pod.closed.size();
    if (series + added > limits.maxSeriesPerPod()) {
      refusals.refused(
          "series",
          "a pod reports more than " + limits.maxSeriesPerPod() + " series; series refused");
      return false;
    }
    return true;
  }

  private static int unheld(
      java.util.Map<PodState.TargetAttr, ?> held, TargetReading t, java.util.Set<String> attrs) {
    int n = 0;
    for (String a : attrs) {
      if (!held.containsKey(new PodState.TargetAttr(t.target(), a))) {
        n++;
      }
    }
    return n;
  }
}
