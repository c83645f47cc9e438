package io.poolscope.collector.internal.otlp;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.poolscope.collector.internal.api.ApiException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Splits a metrics request into one protobuf request per pod ({@code service.instance.id}), the
 * form in which replicas share each pod's latest export: the reading replica decodes it with {@link
 * #decode}, the same decoder as ingest, so every field ingest reads reaches it too. A pod's request
 * is its {@code resource_metrics} copied byte for byte.
 */
public final class PodBodies {
  private PodBodies() {}

  /**
   * Per pod, its resources of the protobuf request {@code body} as one request; resources without
   * identity dropped.
   *
   * @throws ApiException 400 when the bytes are not a valid request
   */
  public static Map<String, byte[]> split(byte[] body) {
    Map<String, ByteArrayOutputStream> by = new LinkedHashMap<>();
    try {
      for (MetricsDecoder.ResourceSlice r : MetricsDecoder.slices(body)) {
        ResourceInfo info = ResourceInfo.of(r.attributes());
        if (info == null) {
          continue;
        }
        ByteArrayOutputStream out =
            by.computeIfAbsent(info.instanceId(), k -> new ByteArrayOutputStream());
        CodedOutputStream c = CodedOutputStream.newInstance(out);
        c.writeTag(
            ExportMetricsServiceRequest.RESOURCE_METRICS_FIELD_NUMBER,
            WireFormat.WIRETYPE_LENGTH_DELIMITED);
        c.writeUInt32NoTag(r.length());
        c.writeRawBytes(body, r.offset(), r.length());
        c.flush();
      }
    } catch (InvalidProtocolBufferException e) {
      throw ApiException.badRequest(
          "body is not a valid OTLP ExportMetricsServiceRequest: "
              + Sanitize.text(String.valueOf(e.getMessage()), 300));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, byte[]> out = new LinkedHashMap<>();
    by.forEach((pod, b) -> out.put(pod, b.toByteArray()));
    return out;
  }

  /** Decodes a stored pod body as ingest decodes a request. */
  public static MetricsTranslator.Result decode(byte[] body) {
    return MetricsTranslator.translate(body);
  }
}
