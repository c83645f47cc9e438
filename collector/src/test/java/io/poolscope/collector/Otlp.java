package io.poolscope.collector;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.List;

/** Builds OTLP exports the way an agent following DESIGN.md section 3 sends them. */
final class Otlp {
  static final long START = 1_700_000_000_000_000_000L;
  static final double[] BOUNDS = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5};

  /** One simulated agent JVM. */
  static class Pod {
    final String service;
    final String instanceId;
    final List<Metric> metrics = new ArrayList<>();
    String podName;
    List<KeyValue> resourceAttrs;

    Pod(String service, String instanceId) {
      this.service = service;
      this.instanceId = instanceId;
      this.podName = instanceId;
    }

    /** One of several JVMs (workers) in the Kubernetes pod {@code name}. */
    Pod inPod(String name) {
      this.podName = name;
      return this;
    }

    /** Replaces the resource attributes (a pod outside Kubernetes, an agent-only version). */
    Pod resource(KeyValue... attrs) {
      resourceAttrs = List.of(attrs);
      return this;
    }

    Resource resource() {
      if (resourceAttrs != null) {
        return Resource.newBuilder().addAllAttributes(resourceAttrs).build();
      }
      return Resource.newBuilder()
          .addAttributes(kv("service.name", service))
          .addAttributes(kv("service.instance.id", instanceId))
          .addAttributes(kv("host.name", "node-" + instanceId))
          .addAttributes(kv("k8s.pod.name", podName))
          .addAttributes(kv("service.version", "1.0.0"))
          .build();
    }

    /**
     * A pool of a family (the new contract's {@code poolscope.pool.family}) with its {@code
     * poolscope.pool.open} gauge: {@code open} false in the export of its final figures.
     */
    Pod familyPool(
        String db, String pool, String family, int used, int idle, int max, boolean open) {
      List<KeyValue> a = new ArrayList<>(poolAttrs(db, pool));
      a.add(kv("poolscope.pool.family", family));
      metrics.add(
          gauge("db.client.connection.count", used, with(a, "db.client.connection.state", "used")));
      metrics.add(
          gauge("db.client.connection.count", idle, with(a, "db.client.connection.state", "idle")));
      metrics.add(gauge("db.client.connection.max", max, a));
      metrics.add(gauge("db.client.connection.pending_requests", 0, a));
      metrics.add(gauge("poolscope.pool.open", open ? 1 : 0, a));
      return this;
    }

    /** The JVM's final export: {@code poolscope.agent.exiting} = 1. */
    Pod exiting() {
      metrics.add(gauge("poolscope.agent.exiting", 1, List.of()));
      return this;
    }

    /** A cumulative wait histogram of a pool with any bounds. */
    Pod waits(String db, String pool, double[] bounds, long[] counts) {
      return histogram("db.client.connection.wait_time", db, pool, bounds, counts);
    }

    /** A cumulative use (hold time) histogram of a pool with any bounds. */
    Pod uses(String db, String pool, double[] bounds, long[] counts) {
      return histogram("db.client.connection.use_time", db, pool, bounds, counts);
    }

    private Pod histogram(String name, String db, String pool, double[] bounds, long[] counts) {
      long total = 0;
      for (long c : counts) {
        total += c;
      }
      HistogramDataPoint.Builder p =
          HistogramDataPoint.newBuilder()
              .setStartTimeUnixNano(START)
              .setTimeUnixNano(START + 1)
              .setCount(total)
              .addAllAttributes(poolAttrs(db, pool));
      for (double b : bounds) {
        p.addExplicitBounds(b);
      }
      for (long c : counts) {
        p.addBucketCounts(c);
      }
      metrics.add(
          Metric.newBuilder()
              .setName(name)
              .setHistogram(
                  Histogram.newBuilder()
                      .setAggregationTemporality(
                          AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                      .addDataPoints(p))
              .build());
      return this;
    }

    /** A pool's gauges, as an UpDownCounter (count) and gauges (max, pending). */
    Pod pool(String db, String pool, int used, int idle, int max, int pending) {
      List<KeyValue> a = poolAttrs(db, pool);
      metrics.add(
          Metric.newBuilder()
              .setName("db.client.connection.count")
              .setUnit("{connection}")
              .setSum(
                  Sum.newBuilder()
                      .setIsMonotonic(false)
                      .setAggregationTemporality(
                          AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                      .addDataPoints(
                          number(used)
                              .addAllAttributes(a)
                              .addAttributes(kv("db.client.connection.state", "used")))
                      .addDataPoints(
                          number(idle)
                              .addAllAttributes(a)
                              .addAttributes(kv("db.client.connection.state", "idle"))))
              .build());
      metrics.add(gauge("db.client.connection.max", max, a));
      metrics.add(gauge("db.client.connection.pending_requests", pending, a));
      return this;
    }

    Pod open(String db, int open) {
      metrics.add(gauge("poolscope.connection.open", open, target(db)));
      return this;
    }

    Pod addGauge(String name, double value, List<KeyValue> attrs) {
      metrics.add(Otlp.gauge(name, value, attrs));
      return this;
    }

    Pod counter(String name, double value, List<KeyValue> attrs) {
      metrics.add(
          Metric.newBuilder()
              .setName(name)
              .setSum(
                  Sum.newBuilder()
                      .setIsMonotonic(true)
                      .setAggregationTemporality(
                          AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                      .addDataPoints(number(value).addAllAttributes(attrs)))
              .build());
      return this;
    }

    Pod waitHistogram(String db, String pool, long[] counts, double sum) {
      return histogram("db.client.connection.wait_time", db, pool, counts, sum);
    }

    /** A cumulative histogram of the contract over {@link #BOUNDS}. */
    Pod histogram(String name, String db, String pool, long[] counts, double sum) {
      long total = 0;
      for (long c : counts) {
        total += c;
      }
      HistogramDataPoint.Builder p =
          HistogramDataPoint.newBuilder()
              .setStartTimeUnixNano(START)
              .setTimeUnixNano(START + 1)
              .setCount(total)
              .setSum(sum)
              .addAllAttributes(poolAttrs(db, pool));
      for (double b : BOUNDS) {
        p.addExplicitBounds(b);
      }
      for (long c : counts) {
        p.addBucketCounts(c);
      }
      metrics.add(
          Metric.newBuilder()
              .setName(name)
              .setUnit("s")
              .setHistogram(
                  Histogram.newBuilder()
                      .setAggregationTemporality(
                          AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                      .addDataPoints(p))
              .build());
      return this;
    }

    ResourceMetrics build() {
      return ResourceMetrics.newBuilder()
          .setResource(resource())
          .addScopeMetrics(ScopeMetrics.newBuilder().addAllMetrics(metrics))
          .build();
    }

    ExportMetricsServiceRequest request() {
      return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(build()).build();
    }
  }

  static Pod pod(String service, String instanceId) {
    return new Pod(service, instanceId);
  }

  static ExportMetricsServiceRequest request(Pod... pods) {
    ExportMetricsServiceRequest.Builder b = ExportMetricsServiceRequest.newBuilder();
    for (Pod p : pods) {
      b.addResourceMetrics(p.build());
    }
    return b.build();
  }

  static Metric gauge(String name, double v, List<KeyValue> attrs) {
    return Metric.newBuilder()
        .setName(name)
        .setGauge(Gauge.newBuilder().addDataPoints(number(v).addAllAttributes(attrs)))
        .build();
  }

  static NumberDataPoint.Builder number(double v) {
    NumberDataPoint.Builder b =
        NumberDataPoint.newBuilder().setStartTimeUnixNano(START).setTimeUnixNano(START + 1);
    return v == Math.rint(v) ? b.setAsInt((long) v) : b.setAsDouble(v);
  }

  /**
   * {@code db} is "address:port/namespace" of a PostgreSQL target, or "system://address:port/
   * namespace" of another system's.
   */
  static List<KeyValue> target(String db) {
    String system = "postgresql";
    int scheme = db.indexOf("://");
    if (scheme > 0) {
      system = db.substring(0, scheme);
      db = db.substring(scheme + 3);
    }
    String[] hp = db.split("/", 2);
    String[] h = hp[0].split(":");
    return List.of(
        kv("db.system.name", system),
        kv("server.address", h[0]),
        KeyValue.newBuilder()
            .setKey("server.port")
            .setValue(AnyValue.newBuilder().setIntValue(Long.parseLong(h[1])))
            .build(),
        kv("db.namespace", hp[1]));
  }

  static List<KeyValue> poolAttrs(String db, String pool) {
    List<KeyValue> a = new ArrayList<>(target(db));
    a.add(kv("db.client.connection.pool.name", pool));
    return a;
  }

  static List<KeyValue> with(List<KeyValue> a, String k, String v) {
    List<KeyValue> out = new ArrayList<>(a);
    out.add(kv(k, v));
    return out;
  }

  static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder()
        .setKey(k)
        .setValue(AnyValue.newBuilder().setStringValue(v))
        .build();
  }

  static ExportLogsServiceRequest leak(Pod pod, String db, String pool, String state, String site) {
    LogRecord.Builder r =
        LogRecord.newBuilder()
            .setTimeUnixNano(System.currentTimeMillis() * 1_000_000L)
            .setEventName("poolscope.connection.leak")
            .addAllAttributes(poolAttrs(db, pool))
            .addAttributes(kv("poolscope.leak.state", state))
            .addAttributes(kv("thread.name", "job-worker-1"))
            .addAttributes(kv("poolscope.lease.id", "42"))
            .addAttributes(kv("code.stacktrace", site))
            .addAttributes(
                KeyValue.newBuilder()
                    .setKey("poolscope.lease.age")
                    .setValue(AnyValue.newBuilder().setDoubleValue(31.5)));
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(pod.resource())
                .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(r)))
        .build();
  }

  private Otlp() {}
}
