package io.poolscope.collector;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Generates the requests of {@link IngestFuzzTest} from one seeded {@link Random}: valid exports of
 * a small simulated fleet (with hostile but legal names and extreme but legal numbers), bodies
 * built to break one rule of the contract, and blind mutations of valid bodies.
 */
final class FuzzBodies {

  /** What the collector must do with a request. */
  enum Kind {
    /** 200 without rejections, on the fuzzed and on the reference collector alike. */
    VALID,
    /** 4xx, or 200 rejecting exactly {@code expectRejected}; never a change of state. */
    INVALID,
    /** Anything but a 5xx; when accepted, the reference collector must accept it the same way. */
    UNKNOWN,
    /** A read: anything but a 5xx, never a change of state. */
    READ
  }

  /** One HTTP request. */
  record Request(
      String label,
      Kind kind,
      String method,
      String path,
      byte[] body,
      List<String> headers,
      long expectRejected) {}

  static final String TOKEN = "fuzz-token-Xy9";
  static final String[] STATES = {"used", "idle"};
  static final String[] LEAK_STATES = {"suspected", "returned", "collected"};
  static final double[] BOUNDS = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5};
  static final int MAX_BODY = 64 * 1024;

  private final Random rnd;
  private final List<String[]> pods = new ArrayList<>(); // {service, instanceId, podName}
  private final List<String[]> dbs = new ArrayList<>(); // {system, address, port, namespace}
  private final List<String> poolNames = new ArrayList<>();
  private final List<byte[]> recentValid = new ArrayList<>();
  private final List<String> recentValidPaths = new ArrayList<>();
  private int valids;

  FuzzBodies(long seed) {
    rnd = new Random(seed);
    // A small fleet so that gauges overwrite and counters accumulate across many requests.
    for (int i = 0; i < 3; i++) {
      dbs.add(
          new String[] {
            i == 2 ? "mysql" : "postgresql", "10.0.0." + i, Integer.toString(5432 + i), name(12)
          });
    }
    for (int i = 0; i < 8; i++) {
      String service = i % 3 == 0 ? "payments" : i % 3 == 1 ? "orders" : name(10);
      pods.add(new String[] {service, "inst-" + i + "-" + name(6), "pod-" + name(8)});
    }
    for (int i = 0; i < 4; i++) {
      poolNames.add(i == 0 ? "HikariPool-1" : name(16));
    }
  }

  /** The next request. */
  Request next() {
    int r = rnd.nextInt(100);
    if (r < 22) {
      return valid();
    }
    if (r < 55) {
      return invalid();
    }
    if (r < 82) {
      return mutated();
    }
    return read();
  }

  // ---- valid -------------------------------------------------------------------------------

  Request valid() {
    valids++;
    boolean logs = rnd.nextInt(4) == 0;
    Message m = logs ? validLogs() : validMetrics();
    String path = logs ? "/v1/logs" : "/v1/metrics";
    Request req = encode("valid " + (logs ? "logs" : "metrics"), Kind.VALID, path, m, 0);
    if (recentValid.size() < 64) {
      recentValid.add(m.toByteArray());
      recentValidPaths.add(path);
    } else {
      int i = rnd.nextInt(64);
      recentValid.set(i, m.toByteArray());
      recentValidPaths.set(i, path);
    }
    return req;
  }

  private ExportMetricsServiceRequest validMetrics() {
    String[] pod = pick(pods);
    List<Metric> metrics = new ArrayList<>();
    int n = 1 + rnd.nextInt(4);
    for (int i = 0; i < n; i++) {
      String[] db = pick(dbs);
      List<KeyValue> a = poolAttrs(db, pick(poolNames));
      switch (rnd.nextInt(9)) {
        case 0, 1 -> {
          Sum.Builder s =
              Sum.newBuilder()
                  .setAggregationTemporality(
                      AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
          for (String st : STATES) {
            s.addDataPoints(
                point(gaugeValue())
                    .addAllAttributes(a)
                    .addAttributes(kv("db.client.connection.state", st)));
          }
          metrics.add(Metric.newBuilder().setName("db.client.connection.count").setSum(s).build());
        }
        case 2 -> metrics.add(gauge("db.client.connection.max", gaugeValue(), a));
        case 3 -> metrics.add(gauge("db.client.connection.pending_requests", gaugeValue(), a));
        case 4 -> metrics.add(gauge("poolscope.connection.open", gaugeValue(), target(db)));
        case 5 -> {
          List<KeyValue> la = new ArrayList<>(a);
          la.add(kv("poolscope.leak.state", LEAK_STATES[rnd.nextInt(3)]));
          metrics.add(counter("poolscope.connection.leaks", la));
        }
        case 6 -> metrics.add(counter("db.client.connection.timeouts", a));
        case 7 -> {
          List<KeyValue> ta = new ArrayList<>(target(db));
          ta.add(kv("poolscope.pool.type", rnd.nextBoolean() ? "HikariDataSource" : name(8)));
          metrics.add(
              counter(rnd.nextBoolean() ? "poolscope.pool.created" : "poolscope.pool.closed", ta));
        }
        default ->
            metrics.add(
                histogram(
                    rnd.nextBoolean()
                        ? "db.client.connection.wait_time"
                        : "db.client.connection.use_time",
                    a));
      }
    }
    if (rnd.nextInt(5) == 0) {
      // Metrics outside the contract are accepted and ignored.
      metrics.add(gauge("jvm.memory.used." + name(4), rnd.nextDouble(), List.of()));
    }
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(resource(pod))
                .addScopeMetrics(ScopeMetrics.newBuilder().addAllMetrics(metrics)))
        .build();
  }

  private ExportLogsServiceRequest validLogs() {
    String[] pod = pick(pods);
    ScopeLogs.Builder sl = ScopeLogs.newBuilder();
    int n = 1 + rnd.nextInt(3);
    for (int i = 0; i < n; i++) {
      // One record at most with a stack past the clip, so a valid body stays under the limit.
      sl.addLogRecords(leak(pick(dbs), true, i == 0));
    }
    if (rnd.nextInt(4) == 0) {
      // Other log records are accepted and ignored.
      sl.addLogRecords(
          LogRecord.newBuilder()
              .setEventName("app." + name(5))
              .setBody(AnyValue.newBuilder().setStringValue(name(40))));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().setResource(resource(pod)).addScopeLogs(sl))
        .build();
  }

  private LogRecord.Builder leak(String[] db, boolean withTarget) {
    return leak(db, withTarget, false);
  }

  private LogRecord.Builder leak(String[] db, boolean withTarget, boolean longStack) {
    long[] times = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1_763_798_400_000_000_000L};
    LogRecord.Builder r =
        LogRecord.newBuilder()
            .setTimeUnixNano(rnd.nextBoolean() ? times[rnd.nextInt(times.length)] : rnd.nextLong())
            .addAttributes(kv("db.client.connection.pool.name", pick(poolNames)))
            .addAttributes(kv("poolscope.leak.state", LEAK_STATES[rnd.nextInt(3)]))
            .addAttributes(kv("thread.name", name(30)))
            .addAttributes(kv("poolscope.lease.id", Long.toString(rnd.nextLong())))
            .addAttributes(kv("code.stacktrace", stack(longStack)))
            .addAttributes(
                KeyValue.newBuilder()
                    .setKey("poolscope.lease.age")
                    .setValue(AnyValue.newBuilder().setDoubleValue(extreme())));
    if (rnd.nextBoolean()) {
      r.setEventName("poolscope.connection.leak");
    } else {
      r.addAttributes(kv("event.name", "poolscope.connection.leak"));
    }
    if (rnd.nextBoolean()) {
      r.addAttributes(kv("poolscope.holder.stacktrace", stack(false)));
    }
    if (withTarget) {
      r.addAllAttributes(target(db));
    }
    return r;
  }

  private String stack(boolean mayBeLong) {
    StringBuilder sb = new StringBuilder();
    if (mayBeLong && rnd.nextInt(10) == 0) {
      // Past the collector's 16,384-character clip, within the 64 KiB body limit.
      for (int i = 0; sb.length() < 20_000; i++) {
        sb.append("com.example.deep.Frame.run(Frame.java:").append(i).append(")\n");
      }
      return sb.toString();
    }
    int frames = 1 + rnd.nextInt(20);
    for (int i = 0; i < frames; i++) {
      sb.append("com.example.").append(name(6)).append(".run(X.java:").append(i).append(")\n");
    }
    return sb.toString();
  }

  // ---- invalid -----------------------------------------------------------------------------

  Request invalid() {
    String[] pod = rnd.nextInt(3) == 0 ? newPod() : pick(pods);
    String[] db = pick(dbs);
    List<KeyValue> a = poolAttrs(db, pick(poolNames));
    int c = rnd.nextInt(31);
    switch (c) {
      case 0, 1, 2, 3 -> {
        double[] bad = {-1, -1e-9, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        double v = bad[rnd.nextInt(bad.length)];
        String metric =
            pickOf(
                "db.client.connection.max",
                "db.client.connection.pending_requests",
                "db.client.connection.idle.min",
                "poolscope.connection.oldest_use");
        return metricsRejecting("bad value " + v, pod, gauge(metric, v, a), 1);
      }
      case 4 -> {
        NumberDataPoint.Builder p = NumberDataPoint.newBuilder().addAllAttributes(a);
        return metricsRejecting(
            "no value",
            pod,
            Metric.newBuilder()
                .setName("db.client.connection.max")
                .setGauge(Gauge.newBuilder().addDataPoints(p))
                .build(),
            1);
      }
      case 5 -> {
        List<KeyValue> noSystem = new ArrayList<>(a);
        noSystem.remove(0);
        return metricsRejecting(
            "no db.system.name", pod, gauge("db.client.connection.max", 3, noSystem), 1);
      }
      case 6 -> {
        return metricsRejecting(
            "no pool name", pod, gauge("db.client.connection.max", 3, target(db)), 1);
      }
      case 7 -> {
        List<KeyValue> badPort = new ArrayList<>(a);
        badPort.set(2, kv("server.port", pickOf("abc", "", "99999999999", "-", "5432\u0000")));
        return metricsRejecting(
            "bad server.port", pod, gauge("db.client.connection.max", 3, badPort), 1);
      }
      case 8 -> {
        Metric m =
            Metric.newBuilder()
                .setName("db.client.connection.count")
                .setSum(Sum.newBuilder().addDataPoints(point(3).addAllAttributes(a)))
                .build();
        return metricsRejecting("count without state", pod, m, 1);
      }
      case 9, 10, 11 -> {
        HistogramDataPoint.Builder h = histogramPoint(a);
        switch (rnd.nextInt(5)) {
          case 0 -> h.addBucketCounts(1); // one count too many
          case 1 -> h.setExplicitBounds(3, 0.0001); // not increasing
          case 2 -> h.setExplicitBounds(0, Double.NaN);
          case 3 -> h.setSum(Double.POSITIVE_INFINITY);
          default -> h.setBucketCounts(2, -5); // fixed64 beyond 2^63
        }
        return metricsRejecting(
            "bad histogram",
            pod,
            Metric.newBuilder()
                .setName("db.client.connection.wait_time")
                .setHistogram(Histogram.newBuilder().addDataPoints(h))
                .build(),
            1);
      }
      case 12 -> {
        Metric m =
            Metric.newBuilder()
                .setName("db.client.connection.use_time")
                .setExponentialHistogram(
                    ExponentialHistogram.newBuilder()
                        .addDataPoints(
                            ExponentialHistogramDataPoint.newBuilder()
                                .addAllAttributes(a)
                                .setCount(3)))
                .build();
        return metricsRejecting("exponential histogram", pod, m, 1);
      }
      case 13 -> {
        // No service.name: the resource's points cannot be attributed.
        ExportMetricsServiceRequest req =
            ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(
                    ResourceMetrics.newBuilder()
                        .setResource(
                            Resource.newBuilder()
                                .addAttributes(kv("service.instance.id", pod[1]))
                                .addAttributes(kv("host.name", name(8))))
                        .addScopeMetrics(
                            ScopeMetrics.newBuilder()
                                .addMetrics(gauge("db.client.connection.max", 4, a))))
                .build();
        return encode("no service.name", Kind.INVALID, "/v1/metrics", req, 1);
      }
      case 14 -> {
        ExportLogsServiceRequest req =
            ExportLogsServiceRequest.newBuilder()
                .addResourceLogs(
                    ResourceLogs.newBuilder()
                        .setResource(resource(pod))
                        .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(leak(db, false))))
                .build();
        return encode("leak without target", Kind.INVALID, "/v1/logs", req, 1);
      }
      case 15 -> {
        ExportLogsServiceRequest req =
            ExportLogsServiceRequest.newBuilder()
                .addResourceLogs(
                    ResourceLogs.newBuilder()
                        .setResource(Resource.newBuilder().addAttributes(kv("host.name", "x")))
                        .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(leak(db, true))))
                .build();
        return encode("leak without service", Kind.INVALID, "/v1/logs", req, 1);
      }
      case 16 -> {
        List<String> h = new ArrayList<>(List.of("Content-Type", "application/x-protobuf"));
        if (rnd.nextBoolean()) {
          h.addAll(
              List.of(
                  "Authorization",
                  pickOf(
                      "Bearer wrong",
                      "Bearer ",
                      "Basic Zm9vOmJhcg==",
                      "Bearer " + TOKEN + "x",
                      "Bearer " + TOKEN.substring(1),
                      "Bearer " + TOKEN.toUpperCase())));
        }
        return new Request(
            "no or wrong token",
            Kind.INVALID,
            "POST",
            ingestPath(),
            validMetrics().toByteArray(),
            h,
            0);
      }
      case 17 -> {
        String ct =
            pickOf(
                "text/plain",
                "application/xml",
                "multipart/form-data; boundary=x",
                "application/x-protobuf2",
                "*/*");
        return new Request(
            "content type " + ct,
            Kind.INVALID,
            "POST",
            ingestPath(),
            validMetrics().toByteArray(),
            auth("Content-Type", ct),
            0);
      }
      case 18 -> {
        return new Request(
            "no content type",
            Kind.INVALID,
            "POST",
            ingestPath(),
            validMetrics().toByteArray(),
            auth(),
            0);
      }
      case 19 -> {
        String enc = pickOf("br", "deflate", "gzip", "gzip, gzip", "compress");
        return new Request(
            "content encoding " + enc,
            Kind.INVALID,
            "POST",
            ingestPath(),
            validMetrics().toByteArray(),
            auth("Content-Type", "application/x-protobuf", "Content-Encoding", enc),
            0);
      }
      case 20 -> {
        // A gzip bomb: small on the wire, beyond the limit once inflated.
        return new Request(
            "gzip bomb",
            Kind.INVALID,
            "POST",
            ingestPath(),
            gzip(new byte[MAX_BODY * (2 + rnd.nextInt(30))]),
            auth("Content-Type", "application/x-protobuf", "Content-Encoding", "gzip"),
            0);
      }
      case 21 -> {
        byte[] huge = new byte[MAX_BODY + 1 + rnd.nextInt(4 * MAX_BODY)];
        rnd.nextBytes(huge);
        return new Request(
            "oversized",
            Kind.INVALID,
            "POST",
            ingestPath(),
            huge,
            auth("Content-Type", rnd.nextBoolean() ? "application/json" : "application/x-protobuf"),
            0);
      }
      case 22 -> {
        int depth = 200 + rnd.nextInt(20_000);
        String open = pickOf("[", "{\"a\":", "{\"resourceMetrics\":[");
        String close = open.equals("[") ? "]" : open.equals("{\"a\":") ? "}" : "]}";
        StringBuilder sb = new StringBuilder("{\"resourceMetrics\":");
        sb.append(open.repeat(Math.min(depth, MAX_BODY / open.length() - 10)));
        sb.append("1");
        if (rnd.nextBoolean()) {
          sb.append(close.repeat(Math.min(depth, MAX_BODY / open.length() - 10)));
          sb.append("}");
        }
        return json("deep JSON", Kind.INVALID, sb.toString());
      }
      case 23 -> {
        String[] wrong = {
          "{\"resourceMetrics\": 7}",
          "{\"resourceMetrics\": \"x\"}",
          "{\"resourceMetrics\": [{\"resource\": []}]}",
          "{\"resourceMetrics\": [{\"scopeMetrics\": [{\"metrics\": [{\"name\": 5, \"gauge\": {\"dataPoints\": [{\"asInt\": {\"a\": 1}}]}}]}]}]}",
          "{\"resourceMetrics\": [{\"scopeMetrics\": [{\"metrics\": [{\"name\": \"db.client.connection.max\", \"gauge\": {\"dataPoints\": [{\"asInt\": \"99999999999999999999999\"}]}}]}]}]}",
          "{\"resourceMetrics\": [{\"scopeMetrics\": [{\"metrics\": [{\"name\": \"x\", \"gauge\": {\"dataPoints\": [{\"asDouble\": 1e999}]}}]}]}]}",
          "{\"resourceMetrics\": [{\"scopeMetrics\": [{\"metrics\": [{\"name\": \"x\", \"histogram\": {\"aggregationTemporality\": \"NOPE\"}}]}]}]}",
          "{\"resourceLogs\": [{\"scopeLogs\": [{\"logRecords\": [{\"timeUnixNano\": -1.5}]}]}]}",
          "{\"resourceLogs\": [{\"scopeLogs\": [{\"logRecords\": [{\"attributes\": [{\"key\": \"k\", \"value\": {\"intValue\": true}}]}]}]}]}",
          "[1,2,3]",
          "null",
          "\"string\"",
          "{\"a\":1}{\"b\":2}",
          "{\"resourceMetrics\": [",
          "{\"resourceMetrics\": [}",
          "\uFEFF{}x",
          "{\"resourceMetrics\": [{\"resource\": {\"attributes\": [{\"key\": \"service.name\", \"value\": {\"stringValue\": \"\\uD800\"}}]}, \"scopeMetrics\": 1}]}",
        };
        return json("wrong JSON types", Kind.INVALID, wrong[rnd.nextInt(wrong.length)]);
      }
      case 24 -> {
        // Huge but legal JSON of nothing the collector keeps: must be accepted and change nothing.
        StringBuilder sb = new StringBuilder("{\"resourceMetrics\":[");
        int n = 100 + rnd.nextInt(1500);
        for (int i = 0; i < n; i++) {
          sb.append(i == 0 ? "" : ",")
              .append("{\"schemaUrl\":\"")
              .append(name(4).replaceAll("[\"\\\\\\p{Cntrl}]", "x"))
              .append("\"}");
        }
        sb.append("]}");
        Request r = json("huge empty JSON", Kind.INVALID, sb.toString());
        return r;
      }
      case 25 -> {
        String m = pickOf("GET", "PUT", "DELETE", "PATCH");
        return new Request(
            m + " ingest",
            Kind.INVALID,
            m,
            ingestPath(),
            m.equals("GET") || m.equals("DELETE") ? null : validMetrics().toByteArray(),
            auth("Content-Type", "application/x-protobuf"),
            0);
      }
      case 26 -> {
        String m = pickOf("POST", "PUT", "DELETE");
        String p = pickOf("/api/overview", "/api/leaks", "/api/databases/x", "/api/health");
        return new Request(
            m + " " + p,
            Kind.INVALID,
            m,
            p,
            m.equals("DELETE") ? null : validMetrics().toByteArray(),
            auth("Content-Type", "application/json"),
            0);
      }
      case 27 -> {
        // An empty request is a legal request of nothing.
        return new Request(
            "empty body",
            Kind.INVALID,
            "POST",
            ingestPath(),
            new byte[0],
            auth("Content-Type", rnd.nextBoolean() ? "application/x-protobuf" : "application/json"),
            0);
      }
      case 28 -> {
        // Several bad points of one new pod: all rejected, and the pod must not appear.
        ExportMetricsServiceRequest req =
            ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(
                    ResourceMetrics.newBuilder()
                        .setResource(resource(newPod()))
                        .addScopeMetrics(
                            ScopeMetrics.newBuilder()
                                .addMetrics(gauge("db.client.connection.max", -3, a))
                                .addMetrics(
                                    gauge("poolscope.connection.open", Double.NaN, target(db)))
                                .addMetrics(
                                    gauge("db.client.connection.pending_requests", 1, target(db)))))
                .build();
        return encode("new pod, all points bad", Kind.INVALID, "/v1/metrics", req, 3);
      }
      case 29 -> {
        // A histogram whose count is not the sum of its bucket counts (RELIABILITY.md: dropped).
        Metric.Builder m =
            histogram(pickOf("db.client.connection.wait_time", "db.client.connection.use_time"), a)
                .toBuilder();
        HistogramDataPoint.Builder p = m.getHistogramBuilder().getDataPointsBuilder(0);
        p.setCount(p.getCount() + 1 + rnd.nextInt(5));
        return metricsRejecting("histogram count disagrees with buckets", pod, m.build(), 1);
      }
      default -> {
        // Names far longer than any sane pool, service or thread name.
        String longName = name(300 + rnd.nextInt(3000));
        int what = rnd.nextInt(4);
        if (what == 0) {
          // Free text (thread name, lease id) may be clipped; identifiers must be rejected.
          String key =
              pickOf(
                  "thread.name",
                  "poolscope.lease.id",
                  "db.client.connection.pool.name",
                  "poolscope.leak.state",
                  "db.namespace");
          boolean clipped = key.equals("thread.name") || key.equals("poolscope.lease.id");
          ExportLogsServiceRequest req =
              ExportLogsServiceRequest.newBuilder()
                  .addResourceLogs(
                      ResourceLogs.newBuilder()
                          .setResource(resource(pod))
                          .addScopeLogs(
                              ScopeLogs.newBuilder()
                                  .addLogRecords(leak(db, true).addAttributes(kv(key, longName)))))
                  .build();
          return encode(
              "over-long " + key + " in leak",
              clipped ? Kind.UNKNOWN : Kind.INVALID,
              "/v1/logs",
              req,
              1);
        }
        if (what == 1) {
          // Every part within the limit, the target id they make together far beyond it.
          String[] wide = {db[0], name(250), db[2], name(250)};
          ExportLogsServiceRequest req =
              ExportLogsServiceRequest.newBuilder()
                  .addResourceLogs(
                      ResourceLogs.newBuilder()
                          .setResource(resource(pick(pods)))
                          .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(leak(wide, true))))
                  .build();
          return encode("wide target in leak", Kind.UNKNOWN, "/v1/logs", req, 0);
        }
        List<KeyValue> la = new ArrayList<>(a);
        la.add(
            kv(
                pickOf("db.client.connection.pool.name", "db.namespace", "server.address"),
                longName));
        return metricsRejecting("over-long name", pod, gauge("db.client.connection.max", 5, la), 1);
      }
    }
  }

  private Request metricsRejecting(String label, String[] pod, Metric m, long rejected) {
    ExportMetricsServiceRequest req =
        ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .setResource(resource(pod))
                    .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(m)))
            .build();
    return encode(label, Kind.INVALID, "/v1/metrics", req, rejected);
  }

  private String[] newPod() {
    return new String[] {"svc-" + name(6), "new-" + rnd.nextLong(), "pod-" + name(6)};
  }

  // ---- blind mutations -----------------------------------------------------------------------

  Request mutated() {
    if (recentValid.isEmpty()) {
      valid();
    }
    int i = rnd.nextInt(recentValid.size());
    byte[] body = recentValid.get(i).clone();
    String path = rnd.nextInt(10) == 0 ? ingestPath() : recentValidPaths.get(i);
    boolean asJson = rnd.nextInt(3) == 0;
    if (asJson) {
      try {
        Message.Builder b =
            path.equals("/v1/logs")
                ? ExportLogsServiceRequest.newBuilder()
                : ExportMetricsServiceRequest.newBuilder();
        b.mergeFrom(recentValid.get(i));
        body = JsonFormat.printer().print(b).getBytes(StandardCharsets.UTF_8);
      } catch (InvalidProtocolBufferException e) {
        // The other signal's bytes: mutate them as protobuf instead.
        asJson = false;
      }
    }
    String how;
    switch (rnd.nextInt(7)) {
      case 0 -> {
        body = Arrays.copyOf(body, rnd.nextInt(body.length + 1));
        how = "truncated";
      }
      case 1, 2 -> {
        int flips = 1 + rnd.nextInt(8);
        for (int k = 0; k < flips && body.length > 0; k++) {
          body[rnd.nextInt(body.length)] ^= (byte) (1 << rnd.nextInt(8));
        }
        how = "bit flips";
      }
      case 3 -> {
        int at = rnd.nextInt(body.length + 1);
        byte[] junk = new byte[1 + rnd.nextInt(16)];
        rnd.nextBytes(junk);
        byte[] out = new byte[body.length + junk.length];
        System.arraycopy(body, 0, out, 0, at);
        System.arraycopy(junk, 0, out, at, junk.length);
        System.arraycopy(body, at, out, at + junk.length, body.length - at);
        body = out;
        how = "bytes inserted";
      }
      case 4 -> {
        byte[] other = recentValid.get(rnd.nextInt(recentValid.size()));
        int cut = rnd.nextInt(body.length + 1);
        int from = rnd.nextInt(other.length + 1);
        byte[] out = new byte[cut + other.length - from];
        System.arraycopy(body, 0, out, 0, cut);
        System.arraycopy(other, from, out, cut, other.length - from);
        body = out;
        how = "spliced";
      }
      case 5 -> {
        body = new byte[rnd.nextInt(2048)];
        rnd.nextBytes(body);
        how = "random bytes";
      }
      default -> {
        // Varint fields set to their extremes: lengths and counts that lie.
        for (int k = 0; k < 4 && body.length > 1; k++) {
          body[rnd.nextInt(body.length)] =
              (byte) pickOf((byte) 0xff, (byte) 0x80, (byte) 0x7f, (byte) 0);
        }
        how = "extreme bytes";
      }
    }
    List<String> h = auth("Content-Type", asJson ? "application/json" : "application/x-protobuf");
    if (rnd.nextInt(5) == 0) {
      body = gzip(body);
      h.addAll(List.of("Content-Encoding", "gzip"));
    }
    return new Request(
        how + (asJson ? " JSON" : " protobuf"), Kind.UNKNOWN, "POST", path, body, h, 0);
  }

  // ---- reads -------------------------------------------------------------------------------

  Request read() {
    String odd = URLEncoder.encode(name(rnd.nextInt(5) == 0 ? 3000 : 20), StandardCharsets.UTF_8);
    String raw =
        pickOf(
            "%00",
            "%ff%fe",
            "..%2F..%2Fetc%2Fpasswd",
            "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
            "%22%27%3E%3Cimg%20src%3Dx%3E",
            odd,
            "",
            "%2e%2e",
            "a%2Fb",
            "%E2%80%AE");
    String num =
        pickOf(
            "0",
            "-1",
            "1",
            "1000",
            "1001",
            "9223372036854775807",
            "-9223372036854775808",
            "9223372036854775808",
            "1e3",
            "NaN",
            "%205%20",
            "0x10",
            raw,
            "");
    String path =
        switch (rnd.nextInt(10)) {
          case 0 -> "/api/databases/" + raw;
          case 1 -> "/api/services/" + raw;
          case 2 -> "/api/pods/" + raw;
          case 3 -> "/api/leaks?limit=" + num + "&db=" + raw + "&service=" + odd;
          case 4 -> "/api/history?db=" + raw + "&from=" + num + "&to=" + pickOf(num, "0", "");
          case 5 -> "/api/overview?" + raw + "=" + raw;
          case 6 -> "/api/" + raw;
          case 7 -> "/" + raw;
          case 8 -> "/api/alerts?x=" + raw;
          default -> "/api/leaks?limit=" + num;
        };
    return new Request("read " + path, Kind.READ, "GET", path, null, auth(), 0);
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** Names with what agents may legally send: unicode, control characters, markup, quotes. */
  String name(int len) {
    StringBuilder sb = new StringBuilder(len);
    while (sb.length() < len) {
      switch (rnd.nextInt(12)) {
        case 0 -> sb.append((char) rnd.nextInt(0x20)); // control characters, NUL included
        case 1 ->
            sb.append(
                pickOf(
                    "<script>alert(1)</script>",
                    "\"'><img src=x onerror=alert(1)>",
                    "\\",
                    "\u2028",
                    "\u202e",
                    "\u2066",
                    "${jndi:ldap://x}",
                    "%s%n",
                    "'; drop table poolscope_leak;--"));
        case 2 -> sb.appendCodePoint(0x1F600 + rnd.nextInt(80)); // emoji: surrogate pairs
        case 3 -> sb.append((char) (0x0400 + rnd.nextInt(0x100))); // Cyrillic
        case 4 -> sb.append((char) (0x4E00 + rnd.nextInt(0x5000))); // CJK
        case 5 -> sb.append('\u0301'); // a lone combining mark
        default -> sb.append((char) ('a' + rnd.nextInt(26)));
      }
    }
    // Never end on half a surrogate pair: a lone surrogate is not a name, it is broken UTF-16.
    int end = Math.min(len, sb.length());
    if (end > 0 && Character.isHighSurrogate(sb.charAt(end - 1))) {
      end--;
    }
    return sb.substring(0, end);
  }

  private double gaugeValue() {
    return switch (rnd.nextInt(12)) {
      case 0 -> extreme();
      case 1 -> rnd.nextDouble() * 10;
      default -> rnd.nextInt(60);
    };
  }

  private double extreme() {
    double[] e = {
      0,
      -0.0,
      Double.MIN_VALUE,
      1e-300,
      1e300,
      Double.MAX_VALUE,
      9.007199254740993E15,
      Long.MAX_VALUE,
      4.9e-324
    };
    return e[rnd.nextInt(e.length)];
  }

  private long startTime() {
    long[] t = {0, 1, Otlp.START, Otlp.START, Otlp.START, Long.MAX_VALUE, Long.MIN_VALUE, -1};
    return t[rnd.nextInt(t.length)];
  }

  private NumberDataPoint.Builder point(double v) {
    NumberDataPoint.Builder b =
        NumberDataPoint.newBuilder()
            .setStartTimeUnixNano(startTime())
            .setTimeUnixNano(rnd.nextLong());
    return v == Math.rint(v) && Math.abs(v) < 1e18 && rnd.nextBoolean()
        ? b.setAsInt((long) v)
        : b.setAsDouble(v);
  }

  private Metric gauge(String name, double v, List<KeyValue> a) {
    return Metric.newBuilder()
        .setName(name)
        .setGauge(Gauge.newBuilder().addDataPoints(point(v).addAllAttributes(a)))
        .build();
  }

  private Metric counter(String name, List<KeyValue> a) {
    boolean delta = rnd.nextInt(4) == 0;
    return Metric.newBuilder()
        .setName(name)
        .setSum(
            Sum.newBuilder()
                .setIsMonotonic(true)
                .setAggregationTemporality(
                    delta
                        ? AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA
                        : AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                .addDataPoints(
                    point(rnd.nextInt(10) == 0 ? extreme() : rnd.nextInt(1000))
                        .addAllAttributes(a)))
        .build();
  }

  private HistogramDataPoint.Builder histogramPoint(List<KeyValue> a) {
    HistogramDataPoint.Builder p =
        HistogramDataPoint.newBuilder().setStartTimeUnixNano(startTime()).addAllAttributes(a);
    long total = 0;
    for (double b : BOUNDS) {
      p.addExplicitBounds(b);
    }
    for (int i = 0; i <= BOUNDS.length; i++) {
      long c = rnd.nextInt(8) == 0 ? rnd.nextInt(Integer.MAX_VALUE) : rnd.nextInt(100);
      p.addBucketCounts(c);
      total += c;
    }
    return p.setCount(total).setSum(rnd.nextDouble() * total);
  }

  private Metric histogram(String name, List<KeyValue> a) {
    return Metric.newBuilder()
        .setName(name)
        .setHistogram(
            Histogram.newBuilder()
                .setAggregationTemporality(
                    rnd.nextInt(4) == 0
                        ? AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA
                        : AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                .addDataPoints(histogramPoint(a)))
        .build();
  }

  private Resource resource(String[] pod) {
    return Resource.newBuilder()
        .addAttributes(kv("service.name", pod[0]))
        .addAttributes(kv("service.instance.id", pod[1]))
        .addAttributes(kv("k8s.pod.name", pod[2]))
        .addAttributes(kv("host.name", "node-" + pod[1]))
        .addAttributes(kv("service.version", "1.0.0"))
        .build();
  }

  private static List<KeyValue> target(String[] db) {
    return List.of(
        kv("db.system.name", db[0]),
        kv("server.address", db[1]),
        KeyValue.newBuilder()
            .setKey("server.port")
            .setValue(AnyValue.newBuilder().setIntValue(Long.parseLong(db[2])))
            .build(),
        kv("db.namespace", db[3]));
  }

  private static List<KeyValue> poolAttrs(String[] db, String pool) {
    List<KeyValue> a = new ArrayList<>(target(db));
    a.add(kv("db.client.connection.pool.name", pool));
    return a;
  }

  private static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder()
        .setKey(k)
        .setValue(AnyValue.newBuilder().setStringValue(v))
        .build();
  }

  private Request encode(String label, Kind kind, String path, Message m, long rejected) {
    boolean json = rnd.nextInt(3) == 0;
    byte[] body;
    try {
      body =
          json ? JsonFormat.printer().print(m).getBytes(StandardCharsets.UTF_8) : m.toByteArray();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
    List<String> h = auth("Content-Type", json ? "application/json" : "application/x-protobuf");
    if (rnd.nextInt(5) == 0) {
      body = gzip(body);
      h.addAll(List.of("Content-Encoding", "gzip"));
    }
    return new Request(label + (json ? " (JSON)" : ""), kind, "POST", path, body, h, rejected);
  }

  private Request json(String label, Kind kind, String text) {
    return new Request(
        label,
        kind,
        "POST",
        ingestPath(),
        text.getBytes(StandardCharsets.UTF_8),
        auth("Content-Type", "application/json"),
        0);
  }

  private String ingestPath() {
    return rnd.nextBoolean() ? "/v1/metrics" : "/v1/logs";
  }

  private static List<String> auth(String... more) {
    List<String> h = new ArrayList<>(List.of("Authorization", "Bearer " + TOKEN));
    h.addAll(List.of(more));
    return h;
  }

  static byte[] gzip(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private <T> T pick(List<T> list) {
    return list.get(rnd.nextInt(list.size()));
  }

  @SafeVarargs
  private <T> T pickOf(T... options) {
    return options[rnd.nextInt(options.length)];
  }

  /** Valid requests generated so far. */
  int valids() {
    return valids;
  }
}
