package io.poolscope.collector.internal.budget;

/**
 * One service's share of a target (or of every target): sums over its live pods, and how many of
 * its pods are not counted.
 *
 * @param max sum of the live pools' maxima; null when none exposes one
 */
public record ServiceRollup(
    String name,
    double open,
    double used,
    double idle,
    Double max,
    double pending,
    int livePods,
    int stalePods,
    int livePools,
    int closedPools) {}
