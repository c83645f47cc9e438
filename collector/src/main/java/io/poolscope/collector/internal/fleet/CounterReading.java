package io.poolscope.collector.internal.fleet;

/**
 * One reading of a counter: a running total since {@code startNanos} (cumulative) or the change
 * since the previous export (delta).
 */
public record CounterReading(double value, boolean delta, long startNanos) {}
