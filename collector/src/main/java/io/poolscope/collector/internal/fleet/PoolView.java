package io.poolscope.collector.internal.fleet;

import java.util.List;
import java.util.Map;

/**
 * Immutable figures of one pool at one moment. Optional figures (max, minIdle) are null when the
 * pool does not expose them.
 *
 * @param family the family key ({@code poolscope.pool.family}, or the pool name)
 * @param live open and reporting, in a live pod: counted in every sum
 * @param closedAt when it closed (the agent said so, or it stopped reporting); null while live
 * @param physical the pool's physical connections
 * @param holders the oldest leases still held, oldest first; empty unless live
 */
public record PoolView(
    TargetKey target,
    String name,
    String type,
    String family,
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
    boolean live,
    Long closedAt,
    Physical physical,
    List<HolderView> holders) {

  /**
   * The pool's physical connections: opened (the count of create times, reset-safe), closed by
   * {@code poolscope.close.reason}, the oldest one's age and the configured max lifetime in seconds
   * (null when not reported).
   */
  public record Physical(
      double created, Map<String, Double> closed, Double oldestAge, Double maxLifetime) {

    /** Physical connections closed for every reason. */
    public double closedTotal() {
      double n = 0;
      for (double v : closed.values()) {
        n += v;
      }
      return n;
    }
  }

  /** Not counted: closed, silent, or in a pod that is not live. */
  public boolean stale() {
    return !live;
  }
}
