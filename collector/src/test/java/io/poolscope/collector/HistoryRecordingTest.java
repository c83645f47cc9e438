package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** History steps over real HTTP on the default H2 store: recording and every range reading. */
class HistoryRecordingTest {
  static final String JOBS = "10.0.0.6:5432/jobs";
  static final String JOBS_ID = "postgresql_10.0.0.6_5432_jobs";
  static final String ORDERS = "10.0.0.5:5432/orders";
  static final String ORDERS_ID = "postgresql_10.0.0.5_5432_orders";

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
                .historyStep(Duration.ofMillis(200))
                .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
                .build());
    http = new Http(collector);
  }

  @AfterEach
  void stop() {
    collector.close();
  }

  /** A pool as DriverManager reports it: counts, but no db.client.connection.max. */
  static Otlp.Pod unpooled(String instance, int used) {
    Otlp.Pod p = Otlp.pod("batch", instance);
    List<KeyValue> a = new ArrayList<>(Otlp.poolAttrs(JOBS, "DriverManager"));
    a.add(Otlp.kv("db.client.connection.state", "used"));
    p.metrics.add(Otlp.gauge("db.client.connection.count", used, a));
    return p;
  }

  @Test
  void twoPodsOfOneServiceWithoutPoolMaxKeepHistoryForEveryDatabase() {
    HttpResponse<byte[]> r =
        http.postProto(
            "/v1/metrics",
            Otlp.request(
                unpooled("batch-1", 3),
                unpooled("batch-2", 4),
                Otlp.pod("orders", "orders-1").pool(ORDERS, "main", 2, 1, 8, 0)));
    assertThat(r.statusCode()).isEqualTo(200);
    Http.await(
        Duration.ofSeconds(20),
        () -> pools(ORDERS_ID).size() == 1 && pools(JOBS_ID).size() == 1,
        () -> "history of both databases: " + pools(ORDERS_ID) + " " + pools(JOBS_ID));
    JsonNode batch = pools(JOBS_ID).get(0);
    assertThat(batch.get("service").asText()).isEqualTo("batch");
    assertThat(batch.get("pool").asText()).isEqualTo("DriverManager");
    // Summed over both pods: 3 + 4 used (a step may fall between the two pods' updates, so the
    // newest), and no max at all (neither pod has one).
    JsonNode used = series(batch, "used");
    assertThat(used.get(used.size() - 1).get(1).asDouble()).isEqualTo(7.0);
    assertThat(series(batch, "max")).isEmpty();
    assertThat(series(pools(ORDERS_ID).get(0), "max").get(0).get(1).asDouble()).isEqualTo(8.0);
  }

  @Test
  void everyRangeTheDashboardOffersAnswersOnH2() {
    http.postProto(
        "/v1/metrics", Otlp.pod("orders", "orders-1").pool(ORDERS, "main", 2, 1, 8, 0).request());
    Http.await(
        Duration.ofSeconds(20),
        () -> !series(history(ORDERS_ID, 3_600_000L), "open").isEmpty(),
        () -> "a first history step");
    for (long range : new long[] {3_600_000L, 86_400_000L, 7 * 86_400_000L, 30 * 86_400_000L}) {
      HttpResponse<byte[]> r = http.get(historyPath(ORDERS_ID, range));
      assertThat(r.statusCode()).as("%d ms range: %s", range, new String(r.body())).isEqualTo(200);
      JsonNode h = Http.parse(r.body());
      assertThat(h.get("stepSeconds").asDouble() * 1000)
          .as("step of a %d ms range", range)
          .isGreaterThanOrEqualTo(range > 86_400_000L ? range / 1440.0 : 200);
      assertThat(series(h, "open")).as("open over %d ms", range).isNotEmpty();
      assertThat(series(h, "open").get(0).get(1).asDouble()).isEqualTo(3.0);
    }
  }

  private static String historyPath(String id, long range) {
    long now = System.currentTimeMillis();
    return "/api/history?db=" + id + "&from=" + (now - range) + "&to=" + (now + 1000);
  }

  private JsonNode history(String id, long range) {
    return http.json(historyPath(id, range));
  }

  private JsonNode pools(String id) {
    return history(id, 3_600_000L).get("pools");
  }

  private static JsonNode series(JsonNode node, String name) {
    for (JsonNode s : node.get("series")) {
      if (s.get("name").asText().equals(name)) {
        return s.get("points");
      }
    }
    throw new AssertionError("no series " + name + " in " + node);
  }
}
