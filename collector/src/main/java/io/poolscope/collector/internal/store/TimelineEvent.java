package io.poolscope.collector.internal.store;

/** A marker on a history chart: an alert or a deploy; {@code db} null means every target. */
public record TimelineEvent(long time, String db, String kind, String text) {}
