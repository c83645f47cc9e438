package io.poolscope.collector.internal.plan;

/**
 * Pools of one shape in one pod: {@code perPod} pools, each of at most {@code max} connections, to
 * one server. {@code where} is the manifest's {@code file:line}, or {@code fleet} for a pool only
 * the live collector knows of.
 */
public record PoolSpec(
    String system, ServerKey server, String name, int max, int perPod, String where) {

  /** The same pools with another max. */
  public PoolSpec withMax(int newMax) {
    return new PoolSpec(system, server, name, newMax, perPod, where);
  }
}
