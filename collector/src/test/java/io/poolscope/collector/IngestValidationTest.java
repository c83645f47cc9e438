package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Values the contract rules out are rejected or made safe at ingest, never stored as sent. */
class IngestValidationTest {
  static final String DB = "10.0.0.5:5432/orders";

  @TempDir Path dir;
  Collector collector;
  Http http;

  @BeforeEach
  void start() {
    collector =
        Collector.start(
            CollectorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
                .build());
    http = new Http(collector);
  }

  @AfterEach
  void stop() {
    collector.close();
  }

  @Test
  void histogramWhoseCountDisagreesWithItsBucketsIsRejected() throws Exception {
    Otlp.Pod pod = Otlp.pod("orders", "orders-1").pool(DB, "main", 1, 1, 4, 0);
    pod.waitHistogram(DB, "main", new long[] {1, 2, 3, 0, 0, 0, 0, 0, 0}, 0.5);
    Metric h = pod.metrics.remove(pod.metrics.size() - 1);
    Metric.Builder wrong = h.toBuilder();
    wrong.getHistogramBuilder().getDataPointsBuilder(0).setCount(7); // buckets say 6
    pod.metrics.add(wrong.build());
    ExportMetricsServiceRequest req = pod.request();
    HttpResponse<byte[]> r = http.postProto("/v1/metrics", req);
    assertThat(r.statusCode()).isEqualTo(200);
    ExportMetricsServiceResponse resp = ExportMetricsServiceResponse.parseFrom(r.body());
    assertThat(resp.getPartialSuccess().getRejectedDataPoints()).isEqualTo(1);
    assertThat(resp.getPartialSuccess().getErrorMessage())
        .contains("count 7 is not the sum of its bucket counts 6");
  }

  @Test
  void leakTimestampsBeyond2To63NanosAreClampedAndNulIsReplaced() {
    Otlp.Pod pod = Otlp.pod("jobs", "jobs-1");
    ExportLogsServiceRequest leak = Otlp.leak(pod, DB, "main", "suspected", "a.B(C.java:1)\0x");
    ExportLogsServiceRequest.Builder b = leak.toBuilder();
    // 2^63 + 1 ns: a negative long when read as signed.
    b.getResourceLogsBuilder(0)
        .getScopeLogsBuilder(0)
        .getLogRecordsBuilder(0)
        .setTimeUnixNano(Long.MIN_VALUE + 1);
    long before = System.currentTimeMillis();
    assertThat(http.postProto("/v1/logs", b.build()).statusCode()).isEqualTo(200);
    JsonNode stored = http.json("/api/leaks").get(0);
    assertThat(stored.get("time").asLong()).isBetween(before, System.currentTimeMillis() + 60_000);
    assertThat(stored.get("callSite").asText()).isEqualTo("a.B(C.java:1)\uFFFDx");
  }

  @Test
  void bidiControlsInAgentTextAreReplacedSoTheyCannotReverseAnAlertText() {
    // U+202E (right-to-left override) and U+2066 (left-to-right isolate) in a service and a pool.
    Otlp.Pod pod = Otlp.pod("pay\u202Ements", "pay-1").pool(DB, "ma\u2066in", 1, 1, 4, 0);
    assertThat(http.postProto("/v1/metrics", pod.request()).statusCode()).isEqualTo(200);
    Http.await(
        java.time.Duration.ofSeconds(10),
        () -> http.json("/api/services").size() == 1,
        () -> http.json("/api/services").toString());
    JsonNode service = http.json("/api/services").get(0);
    assertThat(service.get("name").asText()).isEqualTo("pay\uFFFDments");
    assertThat(service.toString()).contains("ma\uFFFDin").doesNotContain("\u202E", "\u2066");
  }
}
