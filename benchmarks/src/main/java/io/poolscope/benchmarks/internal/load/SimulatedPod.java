package io.poolscope.benchmarks.internal.load;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
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

/**
 * One simulated pod: a JVM with the agent and two pools, each to its own database target, exporting
 * what DESIGN.md section 3 says the agent exports. Values move from one export to the next (leases
 * come and go, cumulative counters and histograms grow) so the collector does real work, not the
 * same request replayed.
 */
public final class SimulatedPod {

  /** Histogram bounds in seconds; 0.1 is one of them, as the contract requires. */
  static final List<Double> BOUNDS =
      List.of(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);

  private static final int POOL_MAX = 10;

  private final int index;
  private final String service;
  private final String instanceId;
  private final long startNanos;
  private final List<KeyValue> resource;
  private final Pool[] pools;

  /** A pool of the pod and the database target it connects to. */
  private record Pool(String name, String type, List<KeyValue> target, List<KeyValue> poolAttrs) {}

  /**
   * Creates pod {@code index} of a fleet with {@code services} services and {@code databases}
   * database targets; every pod of a service uses the same two targets, as real replicas do.
   *
   * @param runId distinguishes this run's pods from an earlier run's in the same store
   */
  public SimulatedPod(int index, int services, int databases, String runId, long startEpochNanos) {
    this.index = index;
    int s = index % services;
    this.service = "svc-" + s;
    this.instanceId = runId + "-" + index;
    this.startNanos = startEpochNanos;
    String podName = service + "-" + Integer.toHexString(0x10000 + index * 7919 % 0xfffff);
    this.resource =
        List.of(
            str("service.name", service),
            str("service.instance.id", instanceId),
            str("host.name", "node-" + (index % 64)),
            num("process.pid", 1 + index % 30000),
            str("k8s.pod.name", podName),
            str("k8s.namespace.name", "load"),
            str("poolscope.agent.version", "0.1.0-load"));
    this.pools =
        new Pool[] {
          pool("HikariPool-1", "HikariDataSource", s % databases),
          pool("HikariPool-2", "HikariDataSource", (s + 1) % databases)
        };
  }

  private static Pool pool(String name, String type, int db) {
    // Addresses are names that resolve nowhere: the collector only keys on them.
    List<KeyValue> target =
        List.of(
            str("db.system.name", "postgresql"),
            str("server.address", "db-" + db + ".load.invalid"),
            num("server.port", 5432),
            str("db.namespace", "app" + db));
    List<KeyValue> attrs = new ArrayList<>(target);
    attrs.add(0, str("db.client.connection.pool.name", name));
    return new Pool(name, type, target, List.copyOf(attrs));
  }

  /** The service this pod belongs to. */
  public String service() {
    return service;
  }

  /** Its {@code service.instance.id}. */
  public String instanceId() {
    return instanceId;
  }

  /** The export this pod sends at its {@code tick}-th interval, at wall-clock time {@code now}. */
  public ExportMetricsServiceRequest export(long tick, long nowEpochNanos) {
    ScopeMetrics.Builder scope =
        ScopeMetrics.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("io.poolscope.agent"));
    List<Metric.Builder> m = new ArrayList<>();
    Metric.Builder count = gauge(m, "db.client.connection.count", "{connection}");
    Metric.Builder max = gauge(m, "db.client.connection.max", "{connection}");
    Metric.Builder minIdle = gauge(m, "db.client.connection.idle.min", "{connection}");
    Metric.Builder pending = gauge(m, "db.client.connection.pending_requests", "{request}");
    Metric.Builder timeouts = counter(m, "db.client.connection.timeouts", "{timeout}");
    Metric.Builder wait = histogram(m, "db.client.connection.wait_time", "s");
    Metric.Builder use = histogram(m, "db.client.connection.use_time", "s");
    Metric.Builder create = histogram(m, "db.client.connection.create_time", "s");
    Metric.Builder open = gauge(m, "poolscope.connection.open", "{connection}");
    Metric.Builder refused = counter(m, "poolscope.connection.refused", "{connection}");
    Metric.Builder leaks = counter(m, "poolscope.connection.leaks", "{lease}");
    Metric.Builder oldest = gauge(m, "poolscope.connection.oldest_use", "s");
    Metric.Builder created = counter(m, "poolscope.pool.created", "{pool}");
    Metric.Builder closed = counter(m, "poolscope.pool.closed", "{pool}");

    for (int p = 0; p < pools.length; p++) {
      Pool pool = pools[p];
      // Deterministic but varying load: used swings between 0 and the max over ~7 intervals.
      int used = (int) ((index + tick * (p + 1)) % (POOL_MAX + 1));
      int idle = POOL_MAX - used;
      int waiting = used == POOL_MAX ? 1 + (index % 3) : 0;
      long leases = (tick + 1) * (200 + index % 50);
      addGauge(count, pool.poolAttrs(), "db.client.connection.state", "idle", idle, nowEpochNanos);
      addGauge(count, pool.poolAttrs(), "db.client.connection.state", "used", used, nowEpochNanos);
      addGauge(max, pool.poolAttrs(), null, null, POOL_MAX, nowEpochNanos);
      addGauge(minIdle, pool.poolAttrs(), null, null, POOL_MAX, nowEpochNanos);
      addGauge(pending, pool.poolAttrs(), null, null, waiting, nowEpochNanos);
      addSum(timeouts, pool.poolAttrs(), null, null, tick / 30, nowEpochNanos);
      addHistogram(wait, pool.poolAttrs(), leases, 0.0004, nowEpochNanos);
      addHistogram(use, pool.poolAttrs(), leases, 0.02, nowEpochNanos);
      addHistogram(create, pool.poolAttrs(), POOL_MAX + tick / 60, 0.008, nowEpochNanos);
      addGauge(open, pool.target(), null, null, POOL_MAX, nowEpochNanos);
      addSum(refused, pool.target(), "error.type", "53300", 0, nowEpochNanos);
      addSum(
          leaks, pool.poolAttrs(), "poolscope.leak.state", "suspected", tick / 90, nowEpochNanos);
      addSum(
          leaks, pool.poolAttrs(), "poolscope.leak.state", "returned", tick / 120, nowEpochNanos);
      addSum(leaks, pool.poolAttrs(), "poolscope.leak.state", "collected", 0, nowEpochNanos);
      addGauge(oldest, pool.poolAttrs(), null, null, used == 0 ? 0.0 : 0.05 * used, nowEpochNanos);
      List<KeyValue> typeAttrs = new ArrayList<>(pool.target());
      typeAttrs.add(str("poolscope.pool.type", pool.type()));
      addSum(created, typeAttrs, null, null, 1, nowEpochNanos);
      addSum(closed, typeAttrs, null, null, 0, nowEpochNanos);
    }
    for (Metric.Builder b : m) {
      scope.addMetrics(b);
    }
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(Resource.newBuilder().addAllAttributes(resource))
                .addScopeMetrics(scope))
        .build();
  }

  private static Metric.Builder gauge(List<Metric.Builder> all, String name, String unit) {
    Metric.Builder b =
        Metric.newBuilder()
            .setNameBytes(utf8(name))
            .setUnitBytes(utf8(unit))
            .setGauge(Gauge.newBuilder());
    all.add(b);
    return b;
  }

  private static Metric.Builder counter(List<Metric.Builder> all, String name, String unit) {
    Metric.Builder b =
        Metric.newBuilder()
            .setNameBytes(utf8(name))
            .setUnitBytes(utf8(unit))
            .setSum(
                Sum.newBuilder()
                    .setIsMonotonic(true)
                    .setAggregationTemporality(
                        AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE));
    all.add(b);
    return b;
  }

  private static Metric.Builder histogram(List<Metric.Builder> all, String name, String unit) {
    Metric.Builder b =
        Metric.newBuilder()
            .setNameBytes(utf8(name))
            .setUnitBytes(utf8(unit))
            .setHistogram(
                Histogram.newBuilder()
                    .setAggregationTemporality(
                        AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE));
    all.add(b);
    return b;
  }

  private NumberDataPoint.Builder point(
      List<KeyValue> attrs, String extraKey, String extraValue, long now) {
    NumberDataPoint.Builder p =
        NumberDataPoint.newBuilder()
            .addAllAttributes(attrs)
            .setStartTimeUnixNano(startNanos)
            .setTimeUnixNano(now);
    if (extraKey != null) {
      p.addAttributes(str(extraKey, extraValue));
    }
    return p;
  }

  private void addGauge(
      Metric.Builder m, List<KeyValue> attrs, String key, String value, double v, long now) {
    NumberDataPoint.Builder p = point(attrs, key, value, now);
    if (v == Math.rint(v)) {
      p.setAsInt((long) v);
    } else {
      p.setAsDouble(v);
    }
    m.getGaugeBuilder().addDataPoints(p);
  }

  private void addSum(
      Metric.Builder m, List<KeyValue> attrs, String key, String value, long v, long now) {
    m.getSumBuilder().addDataPoints(point(attrs, key, value, now).setAsInt(v));
  }

  /** A cumulative histogram of {@code count} observations spread around {@code typical} s. */
  private void addHistogram(
      Metric.Builder m, List<KeyValue> attrs, long count, double typical, long now) {
    HistogramDataPoint.Builder p =
        HistogramDataPoint.newBuilder()
            .addAllAttributes(attrs)
            .setStartTimeUnixNano(startNanos)
            .setTimeUnixNano(now)
            .addAllExplicitBounds(BOUNDS)
            .setCount(count)
            .setSum(count * typical);
    // Most observations in the bucket holding `typical`, a tail in the next two, and 1 in 1000
    // above 0.1 s so "wait above 100 ms" has something to count.
    long placed = 0;
    int home = 0;
    while (home < BOUNDS.size() && BOUNDS.get(home) < typical) {
      home++;
    }
    long slow = count / 1000;
    for (int b = 0; b <= BOUNDS.size(); b++) {
      long c;
      if (b == home) {
        c = count - count / 10 - slow;
      } else if (b == home + 1) {
        c = count / 10;
      } else if (b == BOUNDS.size() - 3) {
        c = slow;
      } else {
        c = 0;
      }
      if (b == BOUNDS.size()) {
        c = count - placed; // the overflow bucket takes what is left, so counts always add up
      }
      placed += c;
      p.addBucketCounts(c);
    }
    m.getHistogramBuilder().addDataPoints(p);
  }

  private static KeyValue str(String key, String value) {
    // UTF-8 bytes up front: a String field is re-encoded on every serialization, and the
    // generator shares the machine with the collector it measures.
    return KeyValue.newBuilder()
        .setKeyBytes(ByteString.copyFromUtf8(key))
        .setValue(AnyValue.newBuilder().setStringValueBytes(ByteString.copyFromUtf8(value)))
        .build();
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static KeyValue num(String key, long value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }
}
