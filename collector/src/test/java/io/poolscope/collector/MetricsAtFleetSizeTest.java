package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} at the fleet BENCHMARKS.md measures (10,000 pods, 200 services, 20 database
 * targets, 2 pools each) answers within Prometheus's default 10 s scrape timeout.
 */
class MetricsAtFleetSizeTest {
  static final int PODS = 10_000;

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
                .exportInterval(Duration.ofMinutes(5))
                .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
                .build());
    http = new Http(collector);
  }

  @AfterEach
  void stop() {
    collector.close();
  }

  @Test
  void metricsAnswersWithinAScrapeTimeoutAtTheClaimedFleet() {
    for (int batch = 0; batch < PODS / 500; batch++) {
      Otlp.Pod[] pods = new Otlp.Pod[500];
      for (int i = 0; i < 500; i++) {
        int n = batch * 500 + i;
        String db = "10.0.0." + (n % 20) + ":5432/db" + (n % 20);
        pods[i] =
            Otlp.pod("svc-" + (n % 200), "pod-" + n)
                .pool(db, "main", 3, 2, 10, 0)
                .pool(db, "batch", 1, 1, 4, 0)
                .open(db, 7);
      }
      assertThat(http.postProto("/v1/metrics", Otlp.request(pods)).statusCode()).isEqualTo(200);
    }
    http.get("/metrics"); // the first scrape also computes the overview
    long t0 = System.nanoTime();
    HttpResponse<byte[]> r = http.get("/metrics");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.statusCode()).isEqualTo(200);
    System.out.println(
        "MetricsAtFleetSizeTest: /metrics at "
            + PODS
            + " pods: "
            + r.body().length
            + " bytes in "
            + ms
            + " ms");
    assertThat(ms).as("ms for one scrape").isLessThan(10_000);
  }
}
