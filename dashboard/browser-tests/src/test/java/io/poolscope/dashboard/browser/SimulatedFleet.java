package io.poolscope.dashboard.browser;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
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
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fleet of pods as the agent would report it: OTLP/HTTP protobuf with the names and attributes of
 * DESIGN.md section 3, so the collector under test cannot tell it from real agents.
 */
final class SimulatedFleet {

  /** Explicit bucket bounds in seconds; 0.1 is one of them, as the contract requires. */
  static final List<Double> BOUNDS =
      List.of(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);

  /** A database target. */
  record Db(String system, String address, int port, String namespace) {
    /** The id the collector makes from the target (collector/API.md: opaque, URL-safe). */
    String id() {
      return (system + "_" + address + "_" + port + "_" + namespace)
          .replaceAll("[^A-Za-z0-9._~-]", "-");
    }
  }

  /** One pool in one JVM; counts are mutable so a test can move the fleet. */
  static final class Pool {
    final String name;
    final String type;
    final Db db;
    int used;
    int idle;
    final int max;
    final int minIdle;
    int pending;
    long timeouts;
    long leaksSuspected;

    /** Leases whose connection was garbage-collected without close(). */
    long leaksCollected;

    /** {@code poolscope.pool.family}, or null (an older agent: the pool is its own family). */
    String family;

    /** {@code poolscope.pool.open}, or null (not sent). */
    Boolean open;

    /** Bucket index (into BOUNDS, plus one overflow) where most waits fall. */
    int waitBucket = 1;

    /** {@code poolscope.connection.holder.age}: the leases it names as held, oldest first. */
    final List<Holder> holders = new ArrayList<>();

    Pool(String name, String type, Db db, int used, int idle, int max) {
      this.name = name;
      this.type = type;
      this.db = db;
      this.used = used;
      this.idle = idle;
      this.max = max;
      this.minIdle = Math.min(max, used + idle);
    }
  }

  /** A held lease as the agent names it; {@code callSite} null when not captured. */
  record Holder(String thread, double ageSeconds, String leaseId, String callSite) {}

  /** One JVM with the agent. */
  record Pod(String service, String podName, String instanceId, String version, List<Pool> pools) {}

  final List<Pod> pods = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final long startNanos = System.currentTimeMillis() * 1_000_000L;

  Pod pod(String service, String podName, String version, Pool... pools) {
    Pod p = new Pod(service, podName, podName + "-jvm", version, List.of(pools));
    pods.add(p);
    return p;
  }

  /** Sends one export per pod, as each agent would at the end of its interval. */
  void report(String baseUrl) throws IOException, InterruptedException {
    for (Pod pod : pods) {
      post(baseUrl + "/v1/metrics", metrics(pod).toByteArray());
    }
  }

  /** Sends one leak event from a pod's pool. */
  void leak(
      String baseUrl,
      Pod pod,
      Pool pool,
      String state,
      String thread,
      double ageSeconds,
      String leaseId,
      String callSite,
      String holderStack)
      throws IOException, InterruptedException {
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("event.name", "poolscope.connection.leak");
    attrs.put("poolscope.leak.state", state);
    attrs.put("db.client.connection.pool.name", pool.name);
    attrs.putAll(target(pool.db));
    attrs.put("thread.name", thread);
    attrs.put("poolscope.lease.id", leaseId);
    attrs.put("code.stacktrace", callSite);
    if (holderStack != null) {
      attrs.put("poolscope.holder.stacktrace", holderStack);
    }
    LogRecord.Builder record =
        LogRecord.newBuilder()
            .setTimeUnixNano(System.currentTimeMillis() * 1_000_000L)
            .setObservedTimeUnixNano(System.currentTimeMillis() * 1_000_000L)
            .setEventName("poolscope.connection.leak")
            .setSeverityText("WARN")
            .setBody(
                AnyValue.newBuilder().setStringValue("connection held past the leak threshold"));
    attrs.forEach((k, v) -> record.addAttributes(kv(k, v)));
    record.addAttributes(
        KeyValue.newBuilder()
            .setKey("poolscope.lease.age")
            .setValue(AnyValue.newBuilder().setDoubleValue(ageSeconds)));
    ExportLogsServiceRequest req =
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(
                ResourceLogs.newBuilder()
                    .setResource(resource(pod))
                    .addScopeLogs(ScopeLogs.newBuilder().setScope(scope()).addLogRecords(record)))
            .build();
    post(baseUrl + "/v1/logs", req.toByteArray());
  }

  private void post(String url, byte[] body) throws IOException, InterruptedException {
    HttpResponse<String> res =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() != 200) {
      throw new IllegalStateException(
          "POST " + url + " -> " + res.statusCode() + ": " + res.body());
    }
  }

  ExportMetricsServiceRequest metrics(Pod pod) {
    long now = System.currentTimeMillis() * 1_000_000L;
    ScopeMetrics.Builder scope = ScopeMetrics.newBuilder().setScope(scope());
    Map<Db, Integer> openPerDb = new LinkedHashMap<>();
    Map<Db, String> typePerDb = new LinkedHashMap<>();
    List<NumberDataPoint> count = new ArrayList<>();
    List<NumberDataPoint> max = new ArrayList<>();
    List<NumberDataPoint> minIdle = new ArrayList<>();
    List<NumberDataPoint> pending = new ArrayList<>();
    List<NumberDataPoint> timeouts = new ArrayList<>();
    List<NumberDataPoint> leaks = new ArrayList<>();
    List<NumberDataPoint> oldest = new ArrayList<>();
    List<NumberDataPoint> poolOpen = new ArrayList<>();
    List<HistogramDataPoint> wait = new ArrayList<>();
    List<HistogramDataPoint> use = new ArrayList<>();
    List<HistogramDataPoint> create = new ArrayList<>();
    List<NumberDataPoint> connClosed = new ArrayList<>();
    List<NumberDataPoint> oldestAge = new ArrayList<>();
    List<NumberDataPoint> maxLifetime = new ArrayList<>();
    List<NumberDataPoint> holders = new ArrayList<>();
    for (Pool p : pod.pools) {
      Map<String, String> a = poolAttrs(p);
      for (Holder x : p.holders) {
        Map<String, String> ha = withState(a, "thread.name", x.thread());
        ha.put("poolscope.lease.id", x.leaseId());
        if (x.callSite() != null) {
          ha.put("code.stacktrace", x.callSite());
        }
        holders.add(point(ha, x.ageSeconds(), now));
      }
      if (p.open != null) {
        poolOpen.add(point(a, p.open ? 1 : 0, now));
      }
      count.add(point(withState(a, "db.client.connection.state", "used"), p.used, now));
      count.add(point(withState(a, "db.client.connection.state", "idle"), p.idle, now));
      max.add(point(a, p.max, now));
      minIdle.add(point(a, p.minIdle, now));
      pending.add(point(a, p.pending, now));
      timeouts.add(point(a, p.timeouts, now));
      leaks.add(point(withState(a, "poolscope.leak.state", "suspected"), p.leaksSuspected, now));
      if (p.leaksCollected > 0) {
        leaks.add(point(withState(a, "poolscope.leak.state", "collected"), p.leaksCollected, now));
      }
      // The oldest lease the agent tracks: none once every connection in use was collected.
      oldest.add(point(a, p.used > p.leaksCollected ? 2.5 : 0, now));
      wait.add(histogram(a, p.waitBucket, 200, now));
      use.add(histogram(a, 6, 200, now));
      // Physical connections: 12 opened, 3 retired at the max lifetime and 1 closed otherwise;
      // the oldest open one (31 min 40 s) has outlived the 30 min lifetime.
      create.add(histogram(a, 3, 12, now));
      connClosed.add(point(withState(a, "poolscope.close.reason", "max_lifetime"), 3, now));
      connClosed.add(point(withState(a, "poolscope.close.reason", "other"), 1, now));
      oldestAge.add(point(a, 1900, now));
      maxLifetime.add(point(a, 1800, now));
      if (!Boolean.FALSE.equals(p.open)) {
        openPerDb.merge(p.db, p.used + p.idle, Integer::sum);
      }
      typePerDb.putIfAbsent(p.db, p.type);
    }
    List<NumberDataPoint> open = new ArrayList<>();
    List<NumberDataPoint> created = new ArrayList<>();
    List<NumberDataPoint> closed = new ArrayList<>();
    openPerDb.forEach((db, n) -> open.add(point(target(db), n, now)));
    for (Pool p : pod.pools) {
      Map<String, String> a = new LinkedHashMap<>(target(p.db));
      a.put("poolscope.pool.type", p.type);
      created.add(point(a, 1, now));
      closed.add(point(a, 0, now));
    }
    scope.addMetrics(sum("db.client.connection.count", "{connection}", count, false));
    scope.addMetrics(gauge("db.client.connection.max", "{connection}", max));
    scope.addMetrics(gauge("db.client.connection.idle.min", "{connection}", minIdle));
    scope.addMetrics(sum("db.client.connection.pending_requests", "{request}", pending, false));
    scope.addMetrics(sum("db.client.connection.timeouts", "{timeout}", timeouts, true));
    scope.addMetrics(sum("poolscope.connection.leaks", "{lease}", leaks, true));
    scope.addMetrics(gauge("poolscope.connection.oldest_use", "s", oldest));
    scope.addMetrics(gauge("poolscope.connection.open", "{connection}", open));
    if (!poolOpen.isEmpty()) {
      scope.addMetrics(gauge("poolscope.pool.open", "{pool}", poolOpen));
    }
    scope.addMetrics(sum("poolscope.pool.created", "{pool}", dedupe(created), true));
    scope.addMetrics(sum("poolscope.pool.closed", "{pool}", dedupe(closed), true));
    scope.addMetrics(histogramMetric("db.client.connection.wait_time", wait));
    scope.addMetrics(histogramMetric("db.client.connection.use_time", use));
    scope.addMetrics(histogramMetric("db.client.connection.create_time", create));
    scope.addMetrics(sum("poolscope.connection.closed", "{connection}", connClosed, true));
    scope.addMetrics(gauge("poolscope.connection.oldest_age", "s", oldestAge));
    scope.addMetrics(gauge("poolscope.pool.max_lifetime", "s", maxLifetime));
    if (!holders.isEmpty()) {
      scope.addMetrics(gauge("poolscope.connection.holder.age", "s", holders));
    }
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder().setResource(resource(pod)).addScopeMetrics(scope))
        .build();
  }

  /** Two pools of one type against one database are one created-counter series of value 2. */
  private static List<NumberDataPoint> dedupe(List<NumberDataPoint> points) {
    Map<List<KeyValue>, NumberDataPoint> bySeries = new LinkedHashMap<>();
    for (NumberDataPoint p : points) {
      bySeries.merge(
          p.getAttributesList(),
          p,
          (x, y) -> x.toBuilder().setAsInt(x.getAsInt() + y.getAsInt()).build());
    }
    return new ArrayList<>(bySeries.values());
  }

  private static Map<String, String> target(Db db) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("db.system.name", db.system);
    a.put("server.address", db.address);
    a.put("server.port", Integer.toString(db.port));
    a.put("db.namespace", db.namespace);
    return a;
  }

  private static Map<String, String> poolAttrs(Pool p) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("db.client.connection.pool.name", p.name);
    a.putAll(target(p.db));
    if (p.family != null) {
      a.put("poolscope.pool.family", p.family);
    }
    return a;
  }

  private static Map<String, String> withState(Map<String, String> a, String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(a);
    copy.put(key, value);
    return copy;
  }

  private Resource resource(Pod pod) {
    Resource.Builder r = Resource.newBuilder();
    r.addAttributes(kv("service.name", pod.service));
    r.addAttributes(kv("service.instance.id", pod.instanceId));
    r.addAttributes(kv("service.version", pod.version));
    r.addAttributes(kv("host.name", "node-" + (pods.indexOf(pod) % 3 + 1)));
    r.addAttributes(kv("k8s.pod.name", pod.podName));
    r.addAttributes(kv("k8s.namespace.name", "prod"));
    r.addAttributes(kv("poolscope.agent.version", "0.1.0"));
    return r.build();
  }

  private static InstrumentationScope scope() {
    return InstrumentationScope.newBuilder()
        .setName("io.poolscope.agent")
        .setVersion("0.1.0")
        .build();
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private NumberDataPoint point(Map<String, String> attrs, long value, long now) {
    NumberDataPoint.Builder b =
        NumberDataPoint.newBuilder()
            .setTimeUnixNano(now)
            .setStartTimeUnixNano(startNanos)
            .setAsInt(value);
    attrs.forEach((k, v) -> b.addAttributes(kv(k, v)));
    return b.build();
  }

  private NumberDataPoint point(Map<String, String> attrs, double value, long now) {
    NumberDataPoint.Builder b =
        NumberDataPoint.newBuilder()
            .setTimeUnixNano(now)
            .setStartTimeUnixNano(startNanos)
            .setAsDouble(value);
    attrs.forEach((k, v) -> b.addAttributes(kv(k, v)));
    return b.build();
  }

  /** A cumulative histogram with n observations, all in one bucket. */
  private HistogramDataPoint histogram(Map<String, String> attrs, int bucket, long n, long now) {
    HistogramDataPoint.Builder b =
        HistogramDataPoint.newBuilder()
            .setTimeUnixNano(now)
            .setStartTimeUnixNano(startNanos)
            .addAllExplicitBounds(BOUNDS)
            .setCount(n);
    double upper = bucket < BOUNDS.size() ? BOUNDS.get(bucket) : 20.0;
    b.setSum(n * upper * 0.8);
    for (int i = 0; i <= BOUNDS.size(); i++) {
      b.addBucketCounts(i == bucket ? n : 0);
    }
    attrs.forEach((k, v) -> b.addAttributes(kv(k, v)));
    return b.build();
  }

  private static Metric gauge(String name, String unit, List<NumberDataPoint> points) {
    return Metric.newBuilder()
        .setName(name)
        .setUnit(unit)
        .setGauge(Gauge.newBuilder().addAllDataPoints(points))
        .build();
  }

  private static Metric sum(
      String name, String unit, List<NumberDataPoint> points, boolean monotonic) {
    return Metric.newBuilder()
        .setName(name)
        .setUnit(unit)
        .setSum(
            Sum.newBuilder()
                .setIsMonotonic(monotonic)
                .setAggregationTemporality(
                    AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                .addAllDataPoints(points))
        .build();
  }

  private static Metric histogramMetric(String name, List<HistogramDataPoint> points) {
    return Metric.newBuilder()
        .setName(name)
        .setUnit("s")
        .setHistogram(
            Histogram.newBuilder()
                .setAggregationTemporality(
                    AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                .addAllDataPoints(points))
        .build();
  }
}
