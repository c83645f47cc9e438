package io.poolscope.collector.internal.fleet;

/**
 * One explicit-bucket histogram reading; {@code counts} has {@code bounds.length + 1} entries, the
 * last one above the last bound.
 */
public record HistogramReading(
    double[] bounds, long[] counts, double sum, boolean delta, long startNanos) {}
