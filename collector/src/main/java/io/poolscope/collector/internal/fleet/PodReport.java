package io.poolscope.collector.internal.fleet;

import java.util.List;

/**
 * Everything one OTLP resource (one agent JVM) said in one request, decoded, validated and typed
 * before anything is applied, so a rejected request changes nothing.
 *
 * @param exiting whether this is the JVM's final export ({@code poolscope.agent.exiting})
 */
public record PodReport(
    String service,
    String instanceId,
    String podName,
    String host,
    String version,
    boolean exiting,
    List<PoolReading> pools,
    List<TargetReading> targets) {}
