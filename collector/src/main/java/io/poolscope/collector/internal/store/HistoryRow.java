package io.poolscope.collector.internal.store;

/** One database target's figures at one history step; null where unknown. */
public record HistoryRow(
    String db,
    long time,
    double open,
    Double usable,
    double planned,
    Double actual,
    double pending,
    double waitP99,
    double useP99) {}
