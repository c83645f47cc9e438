package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** History and leak events survive a restart on the same H2 file. */
class StoreRestartTest {
  static final String DB = "db.internal:5432/shop";
  static final String ID = "postgresql_db.internal_5432_shop";

  @TempDir Path dir;

  CollectorConfig config() {
    return CollectorConfig.builder()
        .host("127.0.0.1")
        .port(0)
        .exportInterval(Duration.ofSeconds(30))
        .historyStep(Duration.ofMillis(200))
        .storeUrl("jdbc:h2:file:" + dir.resolve("data/poolscope"))
        .databases(List.of(CollectorConfig.Database.withLimit(ID, 50)))
        .build();
  }

  @Test
  void restartOnTheSameFileKeepsHistoryAndLeaks() {
    JsonNode before;
    try (Collector c = Collector.start(config())) {
      Http http = new Http(c);
      Otlp.Pod pod = Otlp.pod("shop", "shop-1").pool(DB, "main", 6, 4, 12, 0).open(DB, 10);
      http.postProto("/v1/metrics", pod.request());
      http.post(
          "/v1/logs",
          Otlp.leak(pod, DB, "main", "collected", "com.shop.Cart.save(Cart.java:88)").toByteArray(),
          "Content-Type",
          "application/x-protobuf");
      // Configured targets are recorded from the start (open 0) until the pod's figures arrive.
      Http.await(
          Duration.ofSeconds(30),
          () -> countOf(series(http, "open"), 10.0) >= 2,
          () -> http.json("/api/history?db=" + ID).toString());
      assertThat(last(series(http, "usable"))).isEqualTo(50.0);
      assertThat(countOf(series(http, "planned"), 12.0)).isGreaterThanOrEqualTo(2);
      assertThat(series(http, "actual")).isEmpty();
      before = series(http, "open");
    }

    try (Collector c = Collector.start(config())) {
      Http http = new Http(c);
      JsonNode after = series(http, "open");
      // Every point stored before the restart is still there, same time, same value.
      for (int i = 0; i < before.size(); i++) {
        assertThat(after.get(i)).isEqualTo(before.get(i));
      }
      JsonNode pools = http.json("/api/history?db=" + ID).get("pools");
      assertThat(pools.get(0).get("service").asText()).isEqualTo("shop");
      assertThat(pools.get(0).get("pool").asText()).isEqualTo("main");
      JsonNode used = pools.get(0).get("series").get(0);
      assertThat(used.get("name").asText()).isEqualTo("used");
      assertThat(used.get("points").get(0).get(1).asDouble()).isEqualTo(6.0);
      JsonNode leaks = http.json("/api/leaks?db=" + ID);
      assertThat(leaks).hasSize(1);
      assertThat(leaks.get(0).get("state").asText()).isEqualTo("collected");
      assertThat(leaks.get(0).get("callSite").asText())
          .isEqualTo("com.shop.Cart.save(Cart.java:88)");
      // The fleet itself is live state: it comes back as agents report again.
      assertThat(http.json("/api/overview").get("services")).isEmpty();
    }
  }

  static int countOf(JsonNode points, double value) {
    int n = 0;
    for (JsonNode p : points) {
      n += p.get(1).asDouble() == value ? 1 : 0;
    }
    return n;
  }

  static double last(JsonNode points) {
    return points.get(points.size() - 1).get(1).asDouble();
  }

  static JsonNode series(Http http, String name) {
    for (JsonNode s : http.json("/api/history?db=" + ID).get("series")) {
      if (s.get("name").asText().equals(name)) {
        return s.get("points");
      }
    }
    throw new AssertionError("no series " + name);
  }
}
