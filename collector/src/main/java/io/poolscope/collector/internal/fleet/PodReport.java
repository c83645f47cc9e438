package io.poolscope.collector.internal.fleet;

import java.util.List;

/**
 * Everything one OTLP resource (one agent JVM) said in one request, decoded and validated before
 * anything is applied, so a rejected request changes nothing.
 */
public record PodReport(
    String service,
    String instanceId,
    String podName,
    String host,
    String version,
    List<Point> points) {}
