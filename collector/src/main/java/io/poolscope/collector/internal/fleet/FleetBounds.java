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

  /** Called under the pod's lock. */
  boolean admitPoint(PodState pod, Point p) {
    if (limits == null || exists(pod, p)) {
      return true;
    }
    boolean pool = isPoolPoint(p);
    if (pool && pod.pools.size() >= limits.maxPoolsPerPod()) {
      refusals.refused(
          "pool", "a pod reports more than " + limits.maxPoolsPerPod() + " pools; pool refused");
      return false;
    }
    int series =
        pod.pools.size()
            + pod.open.size()
            + pod.refused.size()
            + pod.created.size()
            + pod.closed.size();
    if (series >= limits.maxSeriesPerPod()) {
      refusals.refused(
          "series",
          "a pod reports more than " + limits.maxSeriesPerPod() + " series; series refused");
      return false;
    }
    return true;
  }

  private static boolean isPoolPoint(Point p) {
    return switch (p.metric()) {
      case Metrics.OPEN, Metrics.REFUSED, Metrics.POOLS_CREATED, Metrics.POOLS_CLOSED -> false;
      default -> true;
    };
  }

  private static boolean exists(PodState pod, Point p) {
    return switch (p.metric()) {
      case Metrics.OPEN -> pod.open.containsKey(p.target());
      case Metrics.REFUSED ->
          pod.refused.containsKey(new PodState.TargetAttr(p.target(), p.attr()));
      case Metrics.POOLS_CREATED ->
          pod.created.containsKey(new PodState.TargetAttr(p.target(), p.attr()));
      case Metrics.POOLS_CLOSED ->
          pod.closed.containsKey(new PodState.TargetAttr(p.target(), p.attr()));
      default -> pod.pools.containsKey(new PodState.PoolKey(p.target(), p.pool()));
    };
  }
}
