package io.poolscope.collector.internal.store;

/** One pool's figures at one history step. */
public record PoolHistoryRow(
    String db,
    long time,
    String service,
    String instanceId,
    String pod,
    String pool,
    double used,
    double idle,
    Double max,
    double pending,
    double waitP99,
    double useP99) {}
