package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pool families, closed pools and exiting pods (issue 16), over real HTTP: a process that builds a
 * pool per job keeps one table row, one label set and its live maxima only; a JVM that says it is
 * exiting leaves every sum in the next snapshot.
 */
class PoolFamiliesTest {
  static final String DB = "127.0.0.1:5432/payments";
  static final String ID = "postgresql_127.0.0.1_5432_payments";
  static final String FAMILY = "HikariPool@com.acme.ReconciliationJob.runOnce:57";

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
                .exportInterval(Duration.ofSeconds(30))
                .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
                .databases(List.of(new CollectorConfig.Database(ID, 60, 3, null, null, null)))
                .build());
    http = new Http(collector);
  }

  @AfterEach
  void stop() {
    collector.close();
  }

  void send(Otlp.Pod pod) {
    assertThat(http.postProto("/v1/metrics", pod.request()).statusCode()).isEqualTo(200);
  }

  /** A v2 pod: its main pool, and 18 job pools built, used and closed one after another. */
  void churn(String instance) {
    for (int job = 1; job <= 18; job++) {
      String name = "HikariPool-" + (job + 1);
      send(
          Otlp.pod("payments", instance)
              .pool(DB, "payments-main", 2, 6, 8, 0)
              .familyPool(DB, name, FAMILY, 2, 0, 2, true)
              .open(DB, 10));
      send(
          Otlp.pod("payments", instance)
              .pool(DB, "payments-main", 2, 6, 8, 0)
              .familyPool(DB, name, FAMILY, 0, 0, 2, false)
              .open(DB, 8));
    }
    // The 19th run is under way.
    send(
        Otlp.pod("payments", instance)
            .pool(DB, "payments-main", 2, 6, 8, 0)
            .familyPool(DB, "HikariPool-20", FAMILY, 1, 1, 2, true)
            .open(DB, 10));
  }

  @Test
  void closedJobPoolsLeavePlannedAndFoldIntoOneFamilyRow() {
    churn("payments-v2-a");
    JsonNode detail = http.json("/api/databases/" + ID);
    // Planned: the live pools' maxima (8 + 2), not every pool ever built (8 + 19 x 2).
    assertThat(detail.get("database").get("planned").asLong()).isEqualTo(10);
    JsonNode pod = detail.get("services").get(0).get("pods").get(0);
    assertThat(pod.get("max").asLong()).isEqualTo(10);
    assertThat(pod.get("livePools").asInt()).isEqualTo(2);
    assertThat(pod.get("closedPools").asInt()).isEqualTo(18);
    JsonNode families = pod.get("families");
    assertThat(families).hasSize(2);
    JsonNode job = byName(families, "HikariPool@ReconciliationJob.runOnce:57");
    assertThat(job.get("family").asText()).isEqualTo(FAMILY);
    assertThat(job.get("livePools").asInt()).isEqualTo(1);
    assertThat(job.get("closedPools").asInt()).isEqualTo(18);
    assertThat(job.get("max").asLong()).isEqualTo(2);
    assertThat(job.get("used").asLong()).isEqualTo(1);
    assertThat(byName(families, "payments-main").get("livePools").asInt()).isEqualTo(1);
    // The pools behind the job family's row: the live one first.
    assertThat(pod.get("pools").get(0).get("name").asText()).isEqualTo("payments-main");
    assertThat(job.get("pools").get(0).asText()).isEqualTo("HikariPool-20");
  }

  @Test
  void seriesArePerFamilyAndPodWhateverThePoolsBuilt() {
    churn("payments-v2-a");
    String metrics = text("/metrics");
    TreeSet<String> pools = new TreeSet<>();
    for (String line : metrics.split("\n")) {
      if (line.startsWith("poolscope_pool_connections_max{")) {
        pools.add(line.replaceAll(".*pool=\"([^\"]*)\".*", "$1"));
      }
    }
    assertThat(pools).containsExactly("HikariPool@ReconciliationJob.runOnce:57", "payments-main");
    assertThat(metrics).doesNotContain("HikariPool-7");
    assertThat(metrics).contains("poolscope_db_connections_planned{db=\"" + ID + "\"");
    assertThat(sample(metrics, "poolscope_db_connections_planned{")).isEqualTo(10);
  }

  @Test
  void aPodThatSaysItIsExitingLeavesEverySumAtOnce() {
    send(Otlp.pod("payments", "payments-v1-a").pool(DB, "payments-main", 2, 6, 8, 0).open(DB, 8));
    send(Otlp.pod("payments", "payments-v2-a").pool(DB, "payments-main", 3, 5, 8, 0).open(DB, 8));
    assertThat(http.json("/api/overview").get("databases").get(0).get("open").asLong())
        .isEqualTo(16);
    // Its shutdown hook's final export: the last figures and the exiting gauge.
    send(
        Otlp.pod("payments", "payments-v2-a")
            .pool(DB, "payments-main", 0, 0, 8, 0)
            .open(DB, 0)
            .exiting());
    JsonNode db = http.json("/api/overview").get("databases").get(0);
    assertThat(db.get("open").asLong()).isEqualTo(8);
    assertThat(db.get("planned").asLong()).isEqualTo(8);
    assertThat(db.get("pods").asInt()).isEqualTo(1);
    JsonNode pods = http.json("/api/databases/" + ID).get("services").get(0).get("pods");
    JsonNode exited = byField(pods, "instanceId", "payments-v2-a");
    assertThat(exited.get("status").asText()).isEqualTo("exited");
    assertThat(exited.get("stale").asBoolean()).isTrue();
    String metrics = text("/metrics");
    assertThat(metrics).doesNotContain("pod=\"payments-v2-a\"");
    assertThat(metrics).contains("pod=\"payments-v1-a\"");
    // A retried earlier export arriving late does not bring it back.
    send(Otlp.pod("payments", "payments-v2-a").pool(DB, "payments-main", 3, 5, 8, 0).open(DB, 8));
    assertThat(http.json("/api/overview").get("databases").get(0).get("open").asLong())
        .isEqualTo(8);
  }

  @Test
  void aPodOutsideKubernetesIsNamedByHostAndProcessIdAndHasNoAgentVersion() {
    for (String pid : List.of("4242", "4343")) {
      Otlp.Pod p =
          Otlp.pod("payments", "id-" + pid)
              .resource(
                  Otlp.kv("service.name", "payments"),
                  Otlp.kv("service.instance.id", "id-" + pid),
                  Otlp.kv("host.name", "vm"),
                  Otlp.kv("process.pid", pid),
                  Otlp.kv("poolscope.agent.version", "0.9.0"))
              .pool(DB, "main", 1, 1, 4, 0);
      send(p);
    }
    JsonNode pods = http.json("/api/services/payments").get("pods");
    List<String> names = new ArrayList<>();
    pods.forEach(p -> names.add(p.get("podName").asText()));
    assertThat(names).containsExactlyInAnyOrder("vm:4242", "vm:4343");
    pods.forEach(p -> assertThat(p.get("version").isNull()).isTrue());
  }

  @Test
  void p99IsInterpolatedWithinTheBucketForAnyBounds() {
    // 1000 holds, all between 0.9 s and 1.1 s: p99 is 0.9 + 0.2 x 0.99, not a bucket bound.
    double[] bounds = {0.1, 0.5, 0.9, 1.1, 2.5};
    send(
        Otlp.pod("payments", "payments-a")
            .pool(DB, "main", 1, 1, 4, 0)
            .waits(DB, "main", bounds, new long[] {0, 0, 0, 1000, 0, 0}));
    JsonNode pool =
        http.json("/api/databases/" + ID)
            .get("services")
            .get(0)
            .get("pods")
            .get(0)
            .get("pools")
            .get(0);
    assertThat(pool.get("waitP99").asDouble())
        .isCloseTo(1.098, org.assertj.core.data.Offset.offset(1e-9));
    // Ten in the top bucket of 1000: the rank falls in the 5th bucket, at its bottom edge.
    send(
        Otlp.pod("payments", "payments-b")
            .pool(DB, "main", 1, 1, 4, 0)
            .waits(DB, "main", bounds, new long[] {990, 0, 0, 0, 10, 0}));
    String metrics = text("/metrics");
    String series =
        "poolscope_pool_wait_seconds_bucket{db=\""
            + ID
            + "\",service=\"payments\",pod=\"payments-b\",pool=\"main\",le=";
    // Of these bounds /metrics shows 0.1 s only (the exposed layout's bound they contain).
    assertThat(metrics).contains(series + "\"0.1\",} 990.0").contains(series + "\"+Inf\",} 1000.0");
    assertThat(metrics).doesNotContain(series + "\"2.5\"");
  }

  @Test
  void fineBucketsAreExposedOnTheFiveDecadeBoundsWithExactCounts() {
    double[] coarse = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300
    };
    // The agent's kind of layout: every coarse bound, and one finer bound below each.
    double[] fine = new double[coarse.length * 2];
    for (int i = 0; i < coarse.length; i++) {
      fine[2 * i] = coarse[i] * 0.9;
      fine[2 * i + 1] = coarse[i];
    }
    long[] counts = new long[fine.length + 1];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = i + 1;
    }
    send(
        Otlp.pod("payments", "payments-f")
            .pool(DB, "main", 1, 1, 4, 0)
            .waits(DB, "main", fine, counts));
    String series =
        "poolscope_pool_wait_seconds_bucket{db=\""
            + ID
            + "\",service=\"payments\",pod=\"payments-f\",pool=\"main\",le=";
    List<String> lines = text("/metrics").lines().filter(l -> l.startsWith(series)).toList();
    // 1 ms, 10 ms, 0.1 s, 1 s, 10 s and +Inf.
    assertThat(lines).hasSize(6);
    assertThat(lines).contains(series + "\"0.001\",} 3.0").contains(series + "\"10.0\",} 351.0");
    // le="0.1" is coarse bound 7 = fine index 13: the sum of counts 1..14.
    assertThat(lines).contains(series + "\"0.1\",} 105.0");
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    assertThat(lines).contains(series + "\"+Inf\",} " + (double) total);
  }

  @Test
  void leakSamplesComeFromPodsStillReportingUnderTheirFamilysName() {
    churn("payments-v2-a");
    assertThat(
            http.postProto(
                    "/v1/logs",
                    Otlp.leak(
                        Otlp.pod("payments", "payments-v2-a"),
                        DB,
                        "HikariPool-20",
                        "suspected",
                        "com.acme.ReconciliationJob.runOnce(ReconciliationJob.java:57)"))
                .statusCode())
        .isEqualTo(200);
    String line =
        "poolscope_connection_leaks_recent{db=\""
            + ID
            + "\",service=\"payments\",pod=\"payments-v2-a\","
            + "pool=\"HikariPool@ReconciliationJob.runOnce:57\","
            + "state=\"suspected\",call_site=\"com.acme.ReconciliationJob.runOnce(ReconciliationJob.java:57)\",} 1.0";
    assertThat(text("/metrics")).contains(line);
    // The pod exits: its leak leaves the samples, so the leak alert can resolve.
    send(Otlp.pod("payments", "payments-v2-a").open(DB, 0).exiting());
    assertThat(text("/metrics")).doesNotContain("poolscope_connection_leaks_recent{");
  }

  String text(String path) {
    return new String(http.get(path).body(), StandardCharsets.UTF_8);
  }

  static double sample(String metrics, String prefix) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith(prefix)) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no sample " + prefix);
  }

  static JsonNode byName(JsonNode array, String name) {
    return byField(array, "name", name);
  }

  static JsonNode byField(JsonNode array, String field, String value) {
    for (JsonNode n : array) {
      if (n.get(field).asText().equals(value)) {
        return n;
      }
    }
    throw new AssertionError("no " + field + " = " + value + " in " + array);
  }
}
