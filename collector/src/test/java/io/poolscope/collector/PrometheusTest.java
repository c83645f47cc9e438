package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics} is valid Prometheus text with the documented names and values. */
class PrometheusTest {
  static final String DB = "10.1.2.3:5432/billing";
  static final String ID = "postgresql_10.1.2.3_5432_billing";
  static final Pattern SAMPLE =
      Pattern.compile(
          "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\.)*\",?)*)\\})? (\\S+)");

  @TempDir Path dir;

  @Test
  void metricsParseAsPrometheusTextWithBaseUnitsAndTotals() throws Exception {
    CollectorConfig config =
        CollectorConfig.builder()
            .host("127.0.0.1")
            .port(0)
            .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
            .databases(List.of(new CollectorConfig.Database(ID, 100, 5, null, null, null)))
            .build();
    try (Collector c = Collector.start(config)) {
      Http http = new Http(c);
      // 100 waits: 98 under 5 ms, 2 between 0.1 s and 0.5 s -> p99 inside (0.1, 0.5].
      Otlp.Pod pod =
          Otlp.pod("billing", "billing-1")
              .pool(DB, "main", 8, 2, 10, 1)
              .open(DB, 10)
              .waitHistogram(DB, "main", new long[] {0, 98, 0, 0, 0, 2, 0, 0, 0}, 0.6)
              .counter(
                  "poolscope.connection.leaks",
                  3,
                  concat(Otlp.poolAttrs(DB, "main"), Otlp.kv("poolscope.leak.state", "suspected")))
              .counter(
                  "poolscope.connection.refused",
                  2,
                  concat(Otlp.target(DB), Otlp.kv("error.type", "53300")));
      assertThat(http.postProto("/v1/metrics", pod.request()).statusCode()).isEqualTo(200);

      String text = new String(http.get("/metrics").body(), StandardCharsets.UTF_8);
      Map<String, String> types = new HashMap<>();
      Map<String, Double> values = new HashMap<>();
      Set<String> series = new HashSet<>();
      for (String line : text.split("\n")) {
        if (line.startsWith("# TYPE ")) {
          String[] p = line.split(" ");
          types.put(p[2], p[3]);
          continue;
        }
        if (line.startsWith("#") || line.isEmpty()) {
          continue;
        }
        Matcher m = SAMPLE.matcher(line);
        assertThat(m.matches()).as(line).isTrue();
        assertThat(series.add(m.group(1) + "{" + m.group(3) + "}"))
            .as("duplicate " + line)
            .isTrue();
        // simpleclient ends label sets with a comma, which the format allows.
        String labels = m.group(3) == null ? "" : m.group(3).replaceAll(",$", "");
        values.put(m.group(1) + "{" + labels + "}", Double.valueOf(m.group(4)));
      }
      String dbLabels =
          "db=\""
              + ID
              + "\",db_system=\"postgresql\",server_address=\"10.1.2.3\",server_port=\"5432\",db_namespace=\"billing\"";
      String poolLabels = "db=\"" + ID + "\",service=\"billing\",pod=\"billing-1\",pool=\"main\"";
      assertThat(values)
          .containsEntry("poolscope_db_connections_open{" + dbLabels + "}", 10.0)
          .containsEntry("poolscope_db_connections_usable{" + dbLabels + "}", 95.0)
          .containsEntry("poolscope_db_connections_planned{" + dbLabels + "}", 10.0)
          .containsEntry("poolscope_db_connections_utilization_ratio{" + dbLabels + "}", 10.0 / 95)
          .containsEntry("poolscope_pool_connections_used{" + poolLabels + "}", 8.0)
          .containsEntry("poolscope_pool_connections_max{" + poolLabels + "}", 10.0)
          .containsEntry("poolscope_pool_utilization_ratio{" + poolLabels + "}", 0.8)
          .containsEntry(
              "poolscope_connection_leaks_total{" + poolLabels + ",state=\"suspected\"}", 3.0)
          .containsEntry(
              "poolscope_connection_refused_total{db=\""
                  + ID
                  + "\",service=\"billing\",pod=\"billing-1\",error_type=\"53300\"}",
              2.0)
          .containsEntry("poolscope_pool_wait_seconds_bucket{" + poolLabels + ",le=\"0.1\"}", 98.0)
          .containsEntry(
              "poolscope_pool_wait_seconds_bucket{" + poolLabels + ",le=\"+Inf\"}", 100.0)
          .containsEntry("poolscope_pool_wait_seconds_count{" + poolLabels + "}", 100.0)
          .containsEntry("poolscope_pool_wait_seconds_sum{" + poolLabels + "}", 0.6);
      assertThat(values.get("poolscope_pool_wait_seconds_p99{" + poolLabels + "}"))
          .isGreaterThan(0.1)
          .isLessThanOrEqualTo(0.5);
      assertThat(types)
          .containsEntry("poolscope_connection_leaks_total", "counter")
          .containsEntry("poolscope_pool_wait_seconds", "histogram")
          .containsEntry("poolscope_db_connections_open", "gauge");
      assertThat(values)
          .containsKey("poolscope_ingest_requests_total{signal=\"metrics\",status=\"200\"}");

      // A second JVM reporting the same pod name (a restarted container, or two JVMs on one host):
      // its series must not collide with the first one's.
      Otlp.Pod twin =
          new Otlp.Pod("billing", "billing-1-restarted") {
            @Override
            io.opentelemetry.proto.resource.v1.Resource resource() {
              return super.resource().toBuilder()
                  .clearAttributes()
                  .addAttributes(Otlp.kv("service.name", "billing"))
                  .addAttributes(Otlp.kv("service.instance.id", "billing-1-restarted"))
                  .addAttributes(Otlp.kv("k8s.pod.name", "billing-1"))
                  .build();
            }
          }.pool(DB, "main", 1, 1, 10, 0);
      assertThat(http.postProto("/v1/metrics", twin.request()).statusCode()).isEqualTo(200);
      text = new String(http.get("/metrics").body(), StandardCharsets.UTF_8);
      assertThat(text)
          .contains("pod=\"billing-1/billing-1\",pool=\"main\"")
          .contains("pod=\"billing-1/billing-1-restarted\",pool=\"main\"")
          .doesNotContain("pod=\"billing-1\",");

      Promtool.checkMetrics(dir, text);
    }
  }

  static List<io.opentelemetry.proto.common.v1.KeyValue> concat(
      List<io.opentelemetry.proto.common.v1.KeyValue> a,
      io.opentelemetry.proto.common.v1.KeyValue b) {
    var out = new java.util.ArrayList<>(a);
    out.add(b);
    return out;
  }

  @SuppressWarnings("unused")
  private static final Duration UNUSED = Duration.ZERO;
}
