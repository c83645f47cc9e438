package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.poolscope.collector.internal.limits.Limits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pods and pools per pod are bounded by count: beyond the bound they are refused and counted. */
class FleetBoundsTest {
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
                .build(),
            System::currentTimeMillis,
            new Limits(16, 64L << 20, Duration.ofSeconds(10), Duration.ofSeconds(30), 3, 2, 4));
    http = new Http(collector);
  }

  @AfterEach
  void stop() {
    collector.close();
  }

  @Test
  void podsAndPoolsBeyondTheirBoundAreRefusedAndCounted() {
    for (int i = 1; i <= 5; i++) {
      Otlp.Pod p = Otlp.pod("orders", "orders-" + i).pool(DB, "main", 1, 1, 4, 0);
      assertThat(http.postProto("/v1/metrics", p.request()).statusCode()).isEqualTo(200);
    }
    // The pods already held keep updating; a third pool of one pod is refused.
    Otlp.Pod many =
        Otlp.pod("orders", "orders-1")
            .pool(DB, "main", 2, 1, 4, 0)
            .pool(DB, "second", 1, 0, 4, 0)
            .pool(DB, "third", 1, 0, 4, 0);
    assertThat(http.postProto("/v1/metrics", many.request()).statusCode()).isEqualTo(200);
    JsonNode services = http.json("/api/services");
    assertThat(services.get(0).get("pods").size()).isEqualTo(3);
    String metrics = new String(http.get("/metrics").body(), StandardCharsets.UTF_8);
    assertThat(metrics).contains("poolscope_collector_refused_total{kind=\"pod\",} 2.0");
    assertThat(metrics).contains("poolscope_collector_refused_total{kind=\"pool\",}");
    assertThat(metrics).contains("pool=\"second\"").doesNotContain("pool=\"third\"");
  }
}
