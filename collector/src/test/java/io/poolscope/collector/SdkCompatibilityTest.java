package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.exporter.internal.marshal.Marshaler;
import io.opentelemetry.exporter.internal.otlp.logs.LogsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.Body;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableGaugeData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableHistogramData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableHistogramPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableLongPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableMetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableSumData;
import io.opentelemetry.sdk.resources.Resource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the agent sends: OpenTelemetry SDK data (long sums and gauges, explicit-bucket histograms,
 * log records with attributes) marshaled by the SDK's own OTLP code, as protobuf and as JSON.
 */
class SdkCompatibilityTest {
  static final String ID = "postgresql_pg.prod_5432_app";

  @TempDir Path dir;

  static final Resource RESOURCE =
      Resource.create(
          Attributes.builder()
              .put("service.name", "payments")
              .put("service.instance.id", "0b6f8c1e-77aa-4c1f-9a0e-2d9c4c1d8e11")
              .put("host.name", "node-7")
              .put("process.pid", 4242L)
              .put("k8s.pod.name", "payments-7d9f-abc")
              .put("poolscope.agent.version", "0.1.0")
              .build());
  static final InstrumentationScopeInfo SCOPE =
      InstrumentationScopeInfo.create("io.poolscope.agent");

  static Attributes target() {
    return Attributes.builder()
        .put("db.system.name", "postgresql")
        .put("server.address", "pg.prod")
        .put(AttributeKey.longKey("server.port"), 5432L)
        .put("db.namespace", "app")
        .build();
  }

  static Attributes pool() {
    return target().toBuilder().put("db.client.connection.pool.name", "HikariPool-1").build();
  }

  static List<MetricData> metrics(long used, long leaks) {
    long start = 1_763_798_000_000_000_000L;
    long now = start + 60_000_000_000L;
    return List.of(
        ImmutableMetricData.createLongSum(
            RESOURCE,
            SCOPE,
            "db.client.connection.count",
            "",
            "{connection}",
            ImmutableSumData.create(
                false,
                AggregationTemporality.CUMULATIVE,
                List.of(
                    ImmutableLongPointData.create(
                        start,
                        now,
                        pool().toBuilder().put("db.client.connection.state", "used").build(),
                        used),
                    ImmutableLongPointData.create(
                        start,
                        now,
                        pool().toBuilder().put("db.client.connection.state", "idle").build(),
                        10 - used)))),
        ImmutableMetricData.createLongGauge(
            RESOURCE,
            SCOPE,
            "db.client.connection.max",
            "",
            "{connection}",
            ImmutableGaugeData.create(
                List.of(ImmutableLongPointData.create(start, now, pool(), 10)))),
        ImmutableMetricData.createLongGauge(
            RESOURCE,
            SCOPE,
            "poolscope.connection.open",
            "",
            "{connection}",
            ImmutableGaugeData.create(
                List.of(ImmutableLongPointData.create(start, now, target(), 10)))),
        ImmutableMetricData.createLongSum(
            RESOURCE,
            SCOPE,
            "poolscope.connection.leaks",
            "",
            "{lease}",
            ImmutableSumData.create(
                true,
                AggregationTemporality.CUMULATIVE,
                List.of(
                    ImmutableLongPointData.create(
                        start,
                        now,
                        pool().toBuilder().put("poolscope.leak.state", "collected").build(),
                        leaks)))),
        ImmutableMetricData.createLongSum(
            RESOURCE,
            SCOPE,
            "poolscope.pool.created",
            "",
            "{pool}",
            ImmutableSumData.create(
                true,
                AggregationTemporality.CUMULATIVE,
                List.of(
                    ImmutableLongPointData.create(
                        start,
                        now,
                        target().toBuilder().put("poolscope.pool.type", "HikariDataSource").build(),
                        1)))),
        ImmutableMetricData.createDoubleHistogram(
            RESOURCE,
            SCOPE,
            "db.client.connection.wait_time",
            "",
            "s",
            ImmutableHistogramData.create(
                AggregationTemporality.CUMULATIVE,
                List.of(
                    ImmutableHistogramPointData.create(
                        start,
                        now,
                        pool(),
                        12.5,
                        true,
                        0.001,
                        true,
                        0.4,
                        List.of(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0),
                        List.of(10L, 50L, 20L, 10L, 5L, 5L, 0L, 0L))))));
  }

  static byte[] binary(Marshaler m) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.writeBinaryTo(out);
    return out.toByteArray();
  }

  static byte[] json(Marshaler m) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.writeJsonTo(out);
    return out.toByteArray();
  }

  @Test
  void sdkProtobufAndJsonAreDecodedIntoTheSameFleet() throws Exception {
    try (Collector c =
        Collector.start(
            CollectorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
                .build())) {
      Http http = new Http(c);
      var r =
          http.post(
              "/v1/metrics",
              binary(MetricsRequestMarshaler.create(metrics(3, 1))),
              "Content-Type",
              "application/x-protobuf");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEmpty();
      JsonNode pod = http.json("/api/pods/0b6f8c1e-77aa-4c1f-9a0e-2d9c4c1d8e11");
      assertThat(pod.get("service").asText()).isEqualTo("payments");
      assertThat(pod.get("podName").asText()).isEqualTo("payments-7d9f-abc");
      assertThat(pod.get("host").asText()).isEqualTo("node-7");
      // Only poolscope.agent.version: the service's version is unknown, not the agent's.
      assertThat(pod.get("version").isNull()).isTrue();
      assertThat(pod.get("open").asLong()).isEqualTo(10);
      JsonNode pool = pod.get("pools").get(0);
      assertThat(pool.get("db").asText()).isEqualTo(ID);
      assertThat(pool.get("used").asLong()).isEqualTo(3);
      assertThat(pool.get("idle").asLong()).isEqualTo(7);
      assertThat(pool.get("max").asLong()).isEqualTo(10);
      assertThat(pool.get("leaksCollected").asLong()).isEqualTo(1);
      assertThat(pool.get("type").asText()).isEqualTo("HikariDataSource");
      // Pools created is a process counter by type: shown once per family, not per pool.
      assertThat(pod.get("families").get(0).get("created").asLong()).isEqualTo(1);
      // 95 of 100 waits within 0.1 s, 5 in (0.1, 0.5]: p99 is in that bucket.
      assertThat(pool.get("waitP99").asDouble()).isGreaterThan(0.1).isLessThanOrEqualTo(0.5);

      r =
          http.post(
              "/v1/metrics",
              json(MetricsRequestMarshaler.create(metrics(6, 2))),
              "Content-Type",
              "application/json");
      assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
      pool = http.json("/api/pods/0b6f8c1e-77aa-4c1f-9a0e-2d9c4c1d8e11").get("pools").get(0);
      assertThat(pool.get("used").asLong()).isEqualTo(6);
      assertThat(pool.get("leaksCollected").asLong()).isEqualTo(2);

      // Two leases, one per encoding: the same event twice is stored once (a retry).
      LogRecordData leak = leakRecord("17");
      r =
          http.post(
              "/v1/logs",
              binary(LogsRequestMarshaler.create(List.of(leak))),
              "Content-Type",
              "application/x-protobuf");
      assertThat(r.statusCode()).isEqualTo(200);
      r =
          http.post(
              "/v1/logs",
              json(LogsRequestMarshaler.create(List.of(leakRecord("18")))),
              "Content-Type",
              "application/json");
      assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
      JsonNode leaks = http.json("/api/leaks?db=" + ID);
      assertThat(leaks).hasSize(2);
      for (JsonNode l : leaks) {
        assertThat(l.get("state").asText()).isEqualTo("collected");
        assertThat(l.get("thread").asText()).isEqualTo("order-worker-3");
        assertThat(l.get("ageSeconds").asDouble()).isEqualTo(42.5);
        assertThat(l.get("callSite").asText())
            .startsWith("com.acme.OrderDao.find(OrderDao.java:42)");
        assertThat(l.get("pod").asText()).isEqualTo("payments-7d9f-abc");
      }
    }
  }

  static LogRecordData leakRecord(String leaseId) {
    Attributes a =
        pool().toBuilder()
            .put("event.name", "poolscope.connection.leak")
            .put("poolscope.leak.state", "collected")
            .put("thread.name", "order-worker-3")
            .put(AttributeKey.doubleKey("poolscope.lease.age"), 42.5)
            .put("poolscope.lease.id", leaseId)
            .put(
                "code.stacktrace",
                "com.acme.OrderDao.find(OrderDao.java:42)\ncom.acme.Api.get(Api.java:9)")
            .build();
    long t = System.currentTimeMillis() * 1_000_000L;
    return new LogRecordData() {
      @Override
      public Resource getResource() {
        return RESOURCE;
      }

      @Override
      public InstrumentationScopeInfo getInstrumentationScopeInfo() {
        return SCOPE;
      }

      @Override
      public long getTimestampEpochNanos() {
        return t;
      }

      @Override
      public long getObservedTimestampEpochNanos() {
        return t;
      }

      @Override
      public SpanContext getSpanContext() {
        return SpanContext.getInvalid();
      }

      @Override
      public Severity getSeverity() {
        return Severity.WARN;
      }

      @Override
      public String getSeverityText() {
        return "WARN";
      }

      @SuppressWarnings("deprecation")
      @Override
      public Body getBody() {
        return Body.string("connection leaked");
      }

      @Override
      public Attributes getAttributes() {
        return a;
      }

      @Override
      public int getTotalAttributeCount() {
        return a.size();
      }

      @Override
      public String getEventName() {
        return "poolscope.connection.leak";
      }
    };
  }
}
