package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} during the demo's incident, over real HTTP: three payments pods that each build
 * and close a pool per job and leak from it, and a jobs pod, with the agent's kind of fine
 * histogram layout. The exposition stays under 400 lines and does not grow with the pools built.
 */
class MetricsUnderChurnTest {
  static final String DB = "127.0.0.1:5432/payments";
  static final String FAMILY = "HikariPool@com.acme.ReconciliationJob.runOnce:57";
  static final String SITE = "com.acme.ReconciliationJob.runOnce(ReconciliationJob.java:57)";
  static final List<String> V2 = List.of("payments-v2-a", "payments-v2-b", "payments-v2-c");

  /** Every bound of the agent's coarse layout and three finer ones in each of its steps. */
  static final double[] FINE;

  static {
    double[] coarse = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300
    };
    FINE = new double[coarse.length * 4];
    double below = 0;
    for (int i = 0; i < coarse.length; i++) {
      for (int k = 1; k <= 4; k++) {
        FINE[4 * i + k - 1] = k == 4 ? coarse[i] : below + (coarse[i] - below) * k / 4;
      }
      below = coarse[i];
    }
  }

  @TempDir Path dir;
  Collector collector;
  Http http;
  int jobsRun;

  @BeforeEach
  void start() {
    collector =
        Collector.start(
            CollectorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .exportInterval(Duration.ofSeconds(30))
                .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
                .databases(
                    List.of(
                        new CollectorConfig.Database(
                            "postgresql_127.0.0.1_5432_payments", 60, 3, null, null, null)))
                .build());
    http = new Http(collector);
  }

  @AfterEach
  void stop() {
    collector.close();
  }

  @Test
  void expositionStaysUnderFourHundredLinesAndDoesNotGrowWithThrowAwayPools() throws Exception {
    runJobs(10);
    String first = text();
    long lines = first.lines().count();
    System.out.println("MetricsUnderChurnTest: /metrics has " + lines + " lines");
    assertThat(lines).isLessThan(400);
    // What is exposed: every pod's families, histograms on the five decade bounds, the leaks.
    assertThat(first)
        .contains(
            "pod=\"payments-v2-c\",pool=\"HikariPool@ReconciliationJob.runOnce:57\",le=\"0.1\"")
        .contains("poolscope_pool_use_seconds_count{")
        .contains("poolscope_connection_leaks_recent{");
    assertThat(first).doesNotContain("HikariPool-3\"");
    assertThat(first.lines().filter(l -> l.startsWith("poolscope_pool_wait_seconds_bucket{")))
        .hasSize(7 * 6);
    Promtool.checkMetrics(dir, first);

    runJobs(40); // four times the pools built
    String later = text();
    assertThat(later.lines().count()).isEqualTo(lines);
    assertThat(seriesOf(later)).isEqualTo(seriesOf(first));
    // The same series, with the later figures: the job family's count grew with the runs.
    assertThat(later).isNotEqualTo(first);
  }

  /** Each v2 pod runs {@code runs} more jobs, each on a pool of its own, built and closed. */
  void runJobs(int runs) {
    for (int run = 0; run < runs; run++) {
      for (String pod : V2) {
        String pool = "HikariPool-" + (++jobsRun + 1);
        long[] counts = counts(jobsRun);
        send(
            v2(pod)
                .familyPool(DB, pool, FAMILY, 1, 1, 2, true)
                .waits(DB, pool, FINE, counts)
                .uses(DB, pool, FINE, counts)
                .open(DB, 10));
        assertThat(
                http.postProto(
                        "/v1/logs",
                        Otlp.leak(Otlp.pod("payments", pod), DB, pool, "suspected", SITE))
                    .statusCode())
            .isEqualTo(200);
        send(v2(pod).familyPool(DB, pool, FAMILY, 0, 0, 2, false).open(DB, 8));
      }
      send(
          Otlp.pod("jobs", "jobs-a")
              .pool(DB, "jobs-pool", 1, 3, 5, 0)
              .waits(DB, "jobs-pool", FINE, counts(run))
              .uses(DB, "jobs-pool", FINE, counts(run))
              .open(DB, 4));
    }
  }

  Otlp.Pod v2(String pod) {
    long[] c = counts(jobsRun);
    return Otlp.pod("payments", pod)
        .pool(DB, "payments-main", 2, 6, 8, 0)
        .waits(DB, "payments-main", FINE, c)
        .uses(DB, "payments-main", FINE, c);
  }

  /** Cumulative counts that grow with {@code n}, spread over every bucket. */
  static long[] counts(int n) {
    long[] c = new long[FINE.length + 1];
    for (int i = 0; i < c.length; i++) {
      c[i] = n + i % 3;
    }
    return c;
  }

  void send(Otlp.Pod pod) {
    assertThat(http.postProto("/v1/metrics", pod.request()).statusCode()).isEqualTo(200);
  }

  String text() {
    return new String(http.get("/metrics").body(), StandardCharsets.UTF_8);
  }

  /** Name and labels of every sample line. */
  static Set<String> seriesOf(String text) {
    Set<String> out = new TreeSet<>();
    text.lines()
        .filter(l -> !l.startsWith("#") && !l.isBlank())
        .forEach(l -> out.add(l.substring(0, l.lastIndexOf(' '))));
    return out;
  }
}
