package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.resource.v1.Resource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One pod's odd data never stops a scheduled round's other steps: alerting keeps running. */
class RoundIsolationTest {
  static final String DB = "10.0.0.5:5432/orders";
  static final String ID = "postgresql_10.0.0.5_5432_orders";

  @TempDir Path dir;
  Collector collector;
  Http http;
  final AtomicInteger release = new AtomicInteger();

  @BeforeEach
  void start() {
    collector =
        Collector.start(
            CollectorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .exportInterval(Duration.ofSeconds(1))
                .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
                .build());
    http = new Http(collector);
  }

  @AfterEach
  void stop() {
    collector.close();
  }

  /** A pod whose service.version is 250 characters and new at every release. */
  Otlp.Pod churning(int i, int rel) {
    String version = ("r" + rel + "-" + i + "-").repeat(60).substring(0, 250);
    Otlp.Pod p =
        new Otlp.Pod("churn", "churn-" + i) {
          @Override
          Resource resource() {
            return super.resource().toBuilder()
                .removeAttributes(4)
                .addAttributes(Otlp.kv("service.version", version))
                .build();
          }
        };
    return p.pool(DB, "main", 1, 1, 4, 0);
  }

  void churn() {
    int rel = release.incrementAndGet();
    Otlp.Pod[] pods = new Otlp.Pod[5];
    for (int i = 0; i < 5; i++) {
      pods[i] = churning(i, rel);
    }
    assertThat(http.postProto("/v1/metrics", Otlp.request(pods)).statusCode()).isEqualTo(200);
  }

  @Test
  void leakAlertFiresWhileDeployMarkersLongerThanTheirColumnKeepArriving() {
    churn();
    Http.await(
        Duration.ofSeconds(10),
        () -> http.json("/api/overview").get("services").size() == 1,
        () -> "first release seen");
    Otlp.Pod leaker = Otlp.pod("jobs", "jobs-1").pool(DB, "main", 1, 0, 4, 0);
    assertThat(http.postProto("/v1/metrics", leaker.request()).statusCode()).isEqualTo(200);
    assertThat(
            http.postProto(
                    "/v1/logs",
                    Otlp.leak(leaker, DB, "main", "suspected", "com.example.Job.run(Job.java:57)"))
                .statusCode())
        .isEqualTo(200);
    // A new release of all five pods every 20 ms, many per 1 s round: every round builds a
    // deploy marker of over 1,250 characters (the five previous versions) for the
    // 1,000-character event column.
    ScheduledExecutorService churner = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger churnFailures = new AtomicInteger();
    churner.scheduleWithFixedDelay(
        () -> {
          try {
            churn();
          } catch (RuntimeException | AssertionError e) {
            churnFailures.incrementAndGet(); // counted below: the churn must keep going
          }
        },
        0,
        20,
        TimeUnit.MILLISECONDS);
    try {
      awaitLeakAlertAndMarker();
    } finally {
      churner.shutdownNow();
    }
    assertThat(churnFailures.get()).isZero();
    for (JsonNode e : http.json("/api/history?db=" + ID).get("events")) {
      if (e.get("kind").asText().equals("deploy")) {
        assertThat(e.get("text").asText()).startsWith("churn r").hasSizeLessThanOrEqualTo(1000);
      }
    }
    String metrics = new String(http.get("/metrics").body(), StandardCharsets.UTF_8);
    assertThat(metrics).contains("poolscope_collector_truncated_total{field=\"event\",}");
    assertThat(metrics).doesNotContain("poolscope_collector_step_failures_total{step=\"deploy");
  }

  private void awaitLeakAlertAndMarker() {
    Http.await(
        Duration.ofSeconds(15),
        () -> {
          for (JsonNode a : http.json("/api/alerts").get("active")) {
            if (a.get("rule").asText().equals("PoolscopeConnectionLeak")
                && a.get("state").asText().equals("firing")) {
              return true;
            }
          }
          return false;
        },
        () -> "leak alert firing during the churn: " + http.json("/api/alerts"));
    Http.await(Duration.ofSeconds(10), () -> deployMarkers() > 0, () -> "a deploy marker stored");
  }

  private int deployMarkers() {
    int n = 0;
    for (JsonNode e : http.json("/api/history?db=" + ID).get("events")) {
      n += e.get("kind").asText().equals("deploy") ? 1 : 0;
    }
    return n;
  }
}
