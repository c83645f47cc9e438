package io.poolscope.collector.internal.fleet;

/**
 * Immutable figures of one pool at one moment. Optional figures (max, minIdle) are null when the
 * pool does not expose them.
 *
 * @param family the family key ({@code poolscope.pool.family}, or the pool name)
 * @param live open and reporting, in a live pod: counted in every sum
 * @param closedAt when it closed (the agent said so, or it stopped reporting); null while live
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
    Long closedAt) {

  /** Not counted: closed, silent, or in a pod that is not live. */
  public boolean stale() {
    return !live;
  }
}
