package io.poolscope.agent.it;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Queries over everything the receiver decoded, in arrival order. */
final class Telemetry {
  final List<ExportMetricsServiceRequest> metricRequests;
  final List<ExportLogsServiceRequest> logRequests;

  Telemetry(List<ExportMetricsServiceRequest> m, List<ExportLogsServiceRequest> l) {
    this.metricRequests = m;
    this.logRequests = l;
  }

  /** A data point with its attributes flattened to strings. */
  static final class Point {
    final Map<String, String> attrs;
    final double value;
    final HistogramDataPoint histogram;

    Point(Map<String, String> attrs, double value, HistogramDataPoint histogram) {
      this.attrs = attrs;
      this.value = value;
      this.histogram = histogram;
    }

    String attr(String k) {
      return attrs.get(k);
    }

    @Override
    public String toString() {
      return attrs + "=" + (histogram != null ? "hist(count=" + histogram.getCount() + ")" : value);
    }
  }

  static String str(AnyValue v) {
    switch (v.getValueCase()) {
      case STRING_VALUE:
        return v.getStringValue();
      case INT_VALUE:
        return Long.toString(v.getIntValue());
      case DOUBLE_VALUE:
        return Double.toString(v.getDoubleValue());
      case BOOL_VALUE:
        return Boolean.toString(v.getBoolValue());
      default:
        return v.toString();
    }
  }

  static Map<String, String> attrs(List<KeyValue> kvs) {
    Map<String, String> m = new HashMap<>();
    for (KeyValue kv : kvs) {
      m.put(kv.getKey(), str(kv.getValue()));
    }
    return m;
  }

  /** Points of a metric in one export request. */
  static List<Point> points(ExportMetricsServiceRequest req, String name) {
    List<Point> out = new ArrayList<>();
    for (ResourceMetrics rm : req.getResourceMetricsList()) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          if (!m.getName().equals(name)) {
            continue;
          }
          List<NumberDataPoint> numbers =
              m.hasGauge()
                  ? m.getGauge().getDataPointsList()
                  : m.hasSum() ? m.getSum().getDataPointsList() : List.of();
          for (NumberDataPoint p : numbers) {
            double v = p.hasAsInt() ? p.getAsInt() : p.getAsDouble();
            out.add(new Point(attrs(p.getAttributesList()), v, null));
          }
          if (m.hasHistogram()) {
            for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
              out.add(new Point(attrs(p.getAttributesList()), p.getCount(), p));
            }
          }
        }
      }
    }
    return out;
  }

  /** Points of a metric across every request, in order. */
  List<Point> all(String name) {
    List<Point> out = new ArrayList<>();
    for (ExportMetricsServiceRequest r : metricRequests) {
      out.addAll(points(r, name));
    }
    return out;
  }

  /** Points of a metric for one pool across every request. */
  List<Point> all(String name, String pool) {
    List<Point> out = new ArrayList<>();
    for (Point p : all(name)) {
      if (pool.equals(p.attr("db.client.connection.pool.name"))) {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * The count of the last matching histogram point; fails naming the metric, the attributes and
   * every point of that metric seen, when there is none.
   */
  long histogramCount(String name, Map<String, String> match) {
    return last(name, match)
        .orElseThrow(
            () -> new AssertionError("no " + name + " matching " + match + " in " + all(name)))
        .histogram
        .getCount();
  }

  /** The point in the last request that has the metric and matches the attributes. */
  Optional<Point> last(String name, Map<String, String> match) {
    for (int i = metricRequests.size() - 1; i >= 0; i--) {
      for (Point p : points(metricRequests.get(i), name)) {
        if (matches(p, match)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  static boolean matches(Point p, Map<String, String> match) {
    for (Map.Entry<String, String> e : match.entrySet()) {
      if (!e.getValue().equals(p.attr(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  Map<String, String> resource() {
    ExportMetricsServiceRequest r = metricRequests.get(metricRequests.size() - 1);
    return attrs(r.getResourceMetrics(0).getResource().getAttributesList());
  }

  /** Every log record received. */
  List<LogRecord> logRecords() {
    List<LogRecord> out = new ArrayList<>();
    for (ExportLogsServiceRequest r : logRequests) {
      for (ResourceLogs rl : r.getResourceLogsList()) {
        for (ScopeLogs sl : rl.getScopeLogsList()) {
          out.addAll(sl.getLogRecordsList());
        }
      }
    }
    return out;
  }

  /** Leak events of one state and pool. */
  List<Map<String, String>> leakEvents(String state, String pool) {
    List<Map<String, String>> out = new ArrayList<>();
    for (LogRecord r : logRecords()) {
      Map<String, String> a = attrs(r.getAttributesList());
      a.put("$eventName", r.getEventName());
      if (state.equals(a.get("poolscope.leak.state"))
          && (pool == null || pool.equals(a.get("db.client.connection.pool.name")))) {
        out.add(a);
      }
    }
    return out;
  }
}
