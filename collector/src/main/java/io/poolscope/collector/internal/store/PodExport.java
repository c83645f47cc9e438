package io.poolscope.collector.internal.store;

/**
 * One pod's latest OTLP metrics export as the replicas of one store share it.
 *
 * @param pod the pod's {@code service.instance.id}
 * @param replica the collector replica that received it
 * @param receivedAt when that replica received it, epoch ms
 * @param seq that replica's sequence number of the export: (replica, seq) identifies an export
 * @param body a protobuf {@code ExportMetricsServiceRequest} holding this pod's resources only
 */
public record PodExport(String pod, String replica, long receivedAt, long seq, byte[] body) {}
