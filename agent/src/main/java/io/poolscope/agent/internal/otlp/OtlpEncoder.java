package io.poolscope.agent.internal.otlp;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.util.Collection;
import java.util.List;

/**
 * Encodes OTLP/HTTP protobuf requests (opentelemetry-proto, {@code collector/metrics/v1} and {@code
 * collector/logs/v1}) from the agent's own values. Field numbers are those of the stable OTLP
 * protocol; a test decodes the bytes with the generated opentelemetry-proto classes.
 */
public final class OtlpEncoder {
  private static final int CUMULATIVE = 2;

  private final byte[] resource;
  private final byte[] scope;

  /**
   * Creates an encoder for one resource and one instrumentation scope.
   *
   * @param resourceAttributes the resource's attributes
   * @param scopeName the instrumentation scope's name
   * @param scopeVersion its version, or null
   */
  public OtlpEncoder(Attributes resourceAttributes, String scopeName, String scopeVersion) {
    ProtoWriter r = new ProtoWriter();
    attributes(r, 1, resourceAttributes);
    this.resource = r.toByteArray();
    this.scope = new ProtoWriter().string(1, scopeName).string(2, scopeVersion).toByteArray();
  }

  /**
   * An {@code ExportMetricsServiceRequest}.
   *
   * @param metrics the metrics
   * @return the request's bytes
   */
  public byte[] metrics(Collection<Metric> metrics) {
    ProtoWriter scopeMetrics = new ProtoWriter().message(1, wrap(scope));
    for (Metric m : metrics) {
      scopeMetrics.message(2, metric(m));
    }
    ProtoWriter resourceMetrics =
        new ProtoWriter().message(1, wrap(resource)).message(2, scopeMetrics);
    return new ProtoWriter().message(1, resourceMetrics).toByteArray();
  }

  /**
   * An {@code ExportLogsServiceRequest}.
   *
   * @param records the log records
   * @return the request's bytes
   */
  public byte[] logs(List<LogRecord> records) {
    ProtoWriter scopeLogs = new ProtoWriter().message(1, wrap(scope));
    for (LogRecord l : records) {
      ProtoWriter w =
          new ProtoWriter()
              .fixed64(1, l.epochNanos)
              .varint(2, l.severity)
              .string(3, l.severityText)
              .message(5, new ProtoWriter().stringAlways(1, l.body));
      attributes(w, 6, l.attributes);
      w.fixed64(11, l.epochNanos).string(12, l.eventName);
      scopeLogs.message(2, w);
    }
    ProtoWriter resourceLogs = new ProtoWriter().message(1, wrap(resource)).message(2, scopeLogs);
    return new ProtoWriter().message(1, resourceLogs).toByteArray();
  }

  private static ProtoWriter wrap(byte[] encoded) {
    return new ProtoWriter().raw(encoded);
  }

  private static ProtoWriter metric(Metric m) {
    ProtoWriter data = new ProtoWriter();
    int dataField;
    switch (m.kind) {
      case GAUGE:
        dataField = 5;
        for (Point p : m.points) {
          data.message(1, number((NumberPoint) p));
        }
        break;
      case SUM:
        dataField = 7;
        for (Point p : m.points) {
          data.message(1, number((NumberPoint) p));
        }
        data.varint(2, CUMULATIVE).varint(3, 1);
        break;
      default:
        dataField = 9;
        for (Point p : m.points) {
          data.message(1, histogram((HistogramPoint) p));
        }
        data.varint(2, CUMULATIVE);
    }
    return new ProtoWriter()
        .string(1, m.name)
        .string(2, m.description)
        .string(3, m.unit)
        .message(dataField, data);
  }

  private static ProtoWriter number(NumberPoint p) {
    ProtoWriter w = new ProtoWriter().fixed64(2, p.startEpochNanos).fixed64(3, p.epochNanos);
    if (p.isDouble) {
      w.dbl(4, p.doubleValue);
    } else {
      w.fixed64(6, p.longValue);
    }
    attributes(w, 7, p.attributes);
    return w;
  }

  private static ProtoWriter histogram(HistogramPoint p) {
    ProtoWriter w =
        new ProtoWriter()
            .fixed64(2, p.startEpochNanos)
            .fixed64(3, p.epochNanos)
            .fixed64(4, p.count())
            .dbl(5, p.sum)
            .packedFixed64(6, p.counts)
            .packedDouble(7, p.bounds);
    attributes(w, 9, p.attributes);
    if (p.hasMinMax) {
      w.dbl(11, p.min).dbl(12, p.max);
    }
    return w;
  }

  /** Repeated {@code KeyValue} in field {@code field}. */
  private static void attributes(ProtoWriter w, int field, Attributes attributes) {
    attributes.forEach(
        (AttributeKey<?> k, Object v) ->
            w.message(field, new ProtoWriter().stringAlways(1, k.getKey()).message(2, any(v))));
  }

  private static ProtoWriter any(Object v) {
    ProtoWriter w = new ProtoWriter();
    if (v instanceof String) {
      w.stringAlways(1, (String) v);
    } else if (v instanceof Boolean) {
      w.varint(2, (Boolean) v ? 1 : 0);
    } else if (v instanceof Long || v instanceof Integer) {
      w.varint(3, ((Number) v).longValue());
    } else if (v instanceof Double) {
      w.dbl(4, (Double) v);
    } else if (v instanceof List) {
      ProtoWriter array = new ProtoWriter();
      for (Object e : (List<?>) v) {
        array.message(1, any(e));
      }
      w.message(5, array);
    } else {
      w.stringAlways(1, String.valueOf(v));
    }
    return w;
  }
}
