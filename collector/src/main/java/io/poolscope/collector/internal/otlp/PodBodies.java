package io.poolscope.collector.internal.otlp;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Splits a metrics request into one protobuf request per pod ({@code service.instance.id}), the
 * form in which replicas share each pod's latest export: the reading replica decodes it with {@link
 * #decode}, the same decoder as ingest, so every field ingest reads reaches it too.
 */
public final class PodBodies {
  private PodBodies() {}

  /** Per pod, its resources of {@code req} as one request; resources without identity dropped. */
  public static Map<String, byte[]> split(ExportMetricsServiceRequest req) {
    Map<String, ExportMetricsServiceRequest.Builder> by = new LinkedHashMap<>();
    for (ResourceMetrics rm : req.getResourceMetricsList()) {
      ResourceInfo info = ResourceInfo.of(Attributes.of(rm.getResource().getAttributesList()));
      if (info != null) {
        by.computeIfAbsent(info.instanceId(), k -> ExportMetricsServiceRequest.newBuilder())
            .addResourceMetrics(rm);
      }
    }
    Map<String, byte[]> out = new LinkedHashMap<>();
    by.forEach((pod, b) -> out.put(pod, b.build().toByteArray()));
    return out;
  }

  /** Decodes a stored pod body as ingest decodes a request. */
  public static MetricsTranslator.Result decode(byte[] body) {
    return MetricsTranslator.translate(OtlpCodec.metrics(body, OtlpBody.Encoding.PROTOBUF));
  }
}
