package io.poolscope.collector.internal.store;

import java.util.Map;

/**
 * One alert history entry (firing, resolved, delivered, failed).
 *
 * @param deliveriesJson the delivery attempts as a JSON array, stored as given
 */
public record AlertRecord(
    long time,
    String rule,
    Map<String, String> labels,
    String event,
    Double value,
    String deliveriesJson) {}
