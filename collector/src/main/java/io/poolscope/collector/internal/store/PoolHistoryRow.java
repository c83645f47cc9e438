package io.poolscope.collector.internal.store;

/**
 * One pool name's figures in one service at one history step, summed over the live pods (the
 * quantiles are the worst pod's); {@code max} is null when no pod's pool exposes it.
 */
public record PoolHistoryRow(
    String db,
    long time,
    String service,
    String pool,
    int pods,
    double used,
    double idle,
    Double max,
    double pending,
    double waitP99,
    double useP99) {}
