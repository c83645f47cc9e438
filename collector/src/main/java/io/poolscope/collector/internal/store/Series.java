package io.poolscope.collector.internal.store;

import java.util.List;

/** A named series of {@code [time, value]} points. */
public record Series(String name, List<double[]> points) {}
