package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pool's physical connections over real HTTP: closes by reason, the oldest connection's age, the
 * max lifetime and the opens are decoded from OTLP into the pool, exposed on {@code /metrics} in
 * base units with {@code _total} counters, and in the JSON pool object.
 */
class PhysicalConnectionsTest {
  static final String DB = "10.1.2.3:5432/billing";
  static final String POOL_LABELS =
      "db=\"postgresql_10.1.2.3_5432_billing\",service=\"billing\",pod=\"billing-1\",pool=\"main\"";

  @TempDir Path dir;

  private static List<KeyValue> reason(String r) {
    List<KeyValue> a = new ArrayList<>(Otlp.poolAttrs(DB, "main"));
    if (r != null) {
      a.add(Otlp.kv("poolscope.close.reason", r));
    }
    return a;
  }

  private static Otlp.Pod export(double lifetimeCloses, double age) {
    return Otlp.pod("billing", "billing-1")
        .pool(DB, "main", 2, 3, 10, 0)
        .histogram(
            "db.client.connection.create_time",
            DB,
            "main",
            new long[] {0, 0, 0, 7, 0, 0, 0, 0, 0},
            0.2)
        .counter("poolscope.connection.closed", lifetimeCloses, reason("max_lifetime"))
        .counter("poolscope.connection.closed", 2, reason("broken"))
        .counter("poolscope.connection.closed", 1, reason(null))
        .addGauge("poolscope.connection.oldest_age", age, Otlp.poolAttrs(DB, "main"))
        .addGauge("poolscope.pool.max_lifetime", 1800, Otlp.poolAttrs(DB, "main"));
  }

  @Test
  void physicalClosesAgeAndLifetimeReachMetricsAndThePoolObject() throws Exception {
    CollectorConfig config =
        CollectorConfig.builder()
            .host("127.0.0.1")
            .port(0)
            .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
            .build();
    try (Collector c = Collector.start(config)) {
      Http http = new Http(c);
      assertThat(http.postProto("/v1/metrics", export(3, 1750.5).request()).statusCode())
          .isEqualTo(200);
      // The agent restarted: its counter starts again at 1, which adds to the 3 already seen.
      assertThat(http.postProto("/v1/metrics", restarted(export(1, 1900)).request()).statusCode())
          .isEqualTo(200);

      String text = new String(http.get("/metrics").body(), StandardCharsets.UTF_8);
      assertThat(text)
          .contains("# TYPE poolscope_pool_connections_closed_total counter")
          .contains(
              "poolscope_pool_connections_closed_total{"
                  + POOL_LABELS
                  + ",reason=\"max_lifetime\",} 4.0")
          .contains(
              "poolscope_pool_connections_closed_total{" + POOL_LABELS + ",reason=\"broken\",} 4.0")
          .contains(
              "poolscope_pool_connections_closed_total{" + POOL_LABELS + ",reason=\"other\",} 2.0")
          .contains("poolscope_pool_connections_created_total{" + POOL_LABELS + ",} 14.0")
          .contains("poolscope_pool_connection_oldest_age_seconds{" + POOL_LABELS + ",} 1900.0")
          .contains("poolscope_pool_max_lifetime_seconds{" + POOL_LABELS + ",} 1800.0");

      JsonNode pool = http.json("/api/services/billing").path("pods").path(0).path("pools").path(0);
      assertThat(pool.path("name").asText()).isEqualTo("main");
      assertThat(pool.path("connectionsCreated").asLong()).isEqualTo(14);
      assertThat(pool.path("connectionsClosed").path("max_lifetime").asLong()).isEqualTo(4);
      assertThat(pool.path("connectionsClosed").path("broken").asLong()).isEqualTo(4);
      assertThat(pool.path("connectionsClosed").path("other").asLong()).isEqualTo(2);
      assertThat(pool.path("connectionsClosedTotal").asLong()).isEqualTo(10);
      assertThat(pool.path("oldestConnectionAge").asDouble()).isEqualTo(1900.0);
      assertThat(pool.path("maxLifetime").asDouble()).isEqualTo(1800.0);
    }
  }

  /** The same export from a restarted agent: a new start time on every cumulative point. */
  private static Otlp.Pod restarted(Otlp.Pod pod) {
    return new Otlp.Pod(pod.service, pod.instanceId) {
      {
        for (var m : pod.metrics) {
          metrics.add(restart(m));
        }
      }
    };
  }

  private static io.opentelemetry.proto.metrics.v1.Metric restart(
      io.opentelemetry.proto.metrics.v1.Metric m) {
    var b = m.toBuilder();
    if (m.hasSum()) {
      var sum = b.getSumBuilder();
      for (var p : sum.getDataPointsBuilderList()) {
        p.setStartTimeUnixNano(Otlp.START + 1_000_000_000L);
      }
    }
    if (m.hasHistogram()) {
      for (var p : b.getHistogramBuilder().getDataPointsBuilderList()) {
        p.setStartTimeUnixNano(Otlp.START + 1_000_000_000L);
      }
    }
    return b.build();
  }
}
