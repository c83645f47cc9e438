package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several pods of two services sharing one database, over real HTTP. */
class FleetBudgetTest {
  static final String DB = "127.0.0.1:5432/payments";
  static final String ID = "postgresql_127.0.0.1_5432_payments";

  @TempDir Path dir;
  Collector collector;
  Http http;

  /** Staleness is only under test in one method; elsewhere a slow machine must not cause it. */
  void start(Duration interval) {
    collector =
        Collector.start(
            CollectorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .exportInterval(interval)
                .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
                .headroom(6)
                .databases(List.of(new CollectorConfig.Database(ID, 100, 3, null, null, null)))
                .services(List.of(new CollectorConfig.Service("payments", 5)))
                .build());
    http = new Http(collector);
  }

  @AfterEach
  void stop() {
    if (collector != null) {
      collector.close();
    }
  }

  static Map<String, Otlp.Pod> fleet() {
    Map<String, Otlp.Pod> pods = new ConcurrentHashMap<>();
    pods.put(
        "payments-a",
        Otlp.pod("payments", "payments-a").pool(DB, "HikariPool-1", 4, 6, 10, 1).open(DB, 10));
    pods.put(
        "payments-b",
        Otlp.pod("payments", "payments-b").pool(DB, "HikariPool-1", 2, 8, 10, 0).open(DB, 10));
    pods.put(
        "payments-c",
        Otlp.pod("payments", "payments-c").pool(DB, "HikariPool-1", 10, 0, 10, 3).open(DB, 10));
    pods.put("jobs-a", Otlp.pod("jobs", "jobs-a").pool(DB, "jobs-pool", 1, 1, 5, 0).open(DB, 2));
    pods.put("jobs-b", Otlp.pod("jobs", "jobs-b").pool(DB, "jobs-pool", 0, 3, 5, 0).open(DB, 3));
    return pods;
  }

  @Test
  void budgetOfTwoServicesSharingOneDatabaseIsExact() {
    start(Duration.ofSeconds(10));
    for (Otlp.Pod p : fleet().values()) {
      assertThat(http.postProto("/v1/metrics", p.request()).statusCode()).isEqualTo(200);
    }
    JsonNode db = http.json("/api/overview").get("databases").get(0);
    assertThat(db.get("id").asText()).isEqualTo(ID);
    assertThat(db.get("limitSource").asText()).isEqualTo("config");
    assertThat(db.get("maxConnections").asInt()).isEqualTo(100);
    assertThat(db.get("reserved").asInt()).isEqualTo(3);
    assertThat(db.get("usable").asInt()).isEqualTo(97);
    assertThat(db.get("open").asLong()).isEqualTo(35);
    assertThat(db.get("planned").asLong()).isEqualTo(40);
    // payments at its ceiling of 5 replicas x 10, jobs (no ceiling) as it is: 10.
    assertThat(db.get("plannedAtCeiling").asLong()).isEqualTo(60);
    assertThat(db.get("utilization").asDouble()).isEqualTo(35.0 / 97.0);
    assertThat(db.get("pending").asLong()).isEqualTo(4);
    assertThat(db.get("services").asInt()).isEqualTo(2);
    assertThat(db.get("pods").asInt()).isEqualTo(5);
    assertThat(db.get("pools").asInt()).isEqualTo(5);
    // (97 usable - 6 headroom) / (5 payments at ceiling + 2 jobs) = 13.
    assertThat(db.get("suggestedPoolMax").asInt()).isEqualTo(13);
    assertThat(db.get("actual").isNull()).isTrue();
    assertThat(db.get("probe").get("status").asText()).isEqualTo("none");

    JsonNode detail = http.json("/api/databases/" + ID);
    JsonNode payments = detail.get("services").get(1);
    assertThat(payments.get("name").asText()).isEqualTo("payments");
    assertThat(payments.get("open").asLong()).isEqualTo(30);
    assertThat(payments.get("used").asLong()).isEqualTo(16);
    assertThat(payments.get("pods")).hasSize(3);
    JsonNode pool = payments.get("pods").get(0).get("pools").get(0);
    assertThat(pool.get("name").asText()).isEqualTo("HikariPool-1");
    assertThat(pool.get("max").asLong()).isEqualTo(10);
    assertThat(http.get("/api/databases/nope").statusCode()).isEqualTo(404);
    assertThat(http.json("/api/services/jobs").get("max").asLong()).isEqualTo(10);
    assertThat(http.json("/api/pods/jobs-b").get("open").asLong()).isEqualTo(3);
  }

  /**
   * A database's detail lists exactly the pods using it, each with only its pools there; a pod
   * whose only link is a connection opened without a pool (DriverManager) counts too.
   */
  @Test
  void databaseDetailListsOnlyThePodsUsingThatDatabase() {
    start(Duration.ofSeconds(10));
    String ledgerDb = "127.0.0.1:5432/ledger";
    String ledgerId = "postgresql_127.0.0.1_5432_ledger";
    List<Otlp.Pod> pods =
        List.of(
            Otlp.pod("payments", "payments-a")
                .pool(DB, "HikariPool-1", 4, 6, 10, 0)
                .open(DB, 10)
                .pool(ledgerDb, "HikariPool-2", 1, 1, 2, 0)
                .open(ledgerDb, 2),
            Otlp.pod("payments", "payments-b").pool(DB, "HikariPool-1", 2, 8, 10, 0).open(DB, 10),
            Otlp.pod("ledger", "ledger-a").pool(ledgerDb, "main", 3, 2, 5, 0).open(ledgerDb, 5),
            Otlp.pod("reports", "reports-a").open(ledgerDb, 1));
    for (Otlp.Pod p : pods) {
      assertThat(http.postProto("/v1/metrics", p.request()).statusCode()).isEqualTo(200);
    }

    JsonNode ledger = http.json("/api/databases/" + ledgerId);
    assertThat(ledger.get("database").get("open").asLong()).isEqualTo(8);
    assertThat(names(ledger.get("services"), "name"))
        .containsExactlyInAnyOrder("payments", "ledger", "reports");
    JsonNode payments = byName(ledger.get("services"), "payments");
    assertThat(names(payments.get("pods"), "instanceId")).containsExactly("payments-a");
    assertThat(payments.get("open").asLong()).isEqualTo(2);
    assertThat(names(payments.get("pods").get(0).get("pools"), "name"))
        .containsExactly("HikariPool-2");
    JsonNode reports = byName(ledger.get("services"), "reports").get("pods");
    assertThat(names(reports, "instanceId")).containsExactly("reports-a");
    assertThat(reports.get(0).get("pools")).isEmpty();

    JsonNode main = http.json("/api/databases/" + ID);
    assertThat(names(main.get("services"), "name")).containsExactly("payments");
    assertThat(names(main.get("services").get(0).get("pods"), "instanceId"))
        .containsExactlyInAnyOrder("payments-a", "payments-b");

    JsonNode overview = http.json("/api/overview");
    assertThat(names(overview.get("services"), "name"))
        .containsExactlyInAnyOrder("payments", "ledger", "reports");
    assertThat(byName(overview.get("services"), "payments").get("pods").asInt()).isEqualTo(2);
    assertThat(names(http.json("/api/services"), "name"))
        .containsExactlyInAnyOrder("payments", "ledger", "reports");
    assertThat(http.json("/api/services/payments").get("pods")).hasSize(2);
  }

  /** The {@code field} of each element of a JSON array, in order. */
  static List<String> names(JsonNode array, String field) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(e -> out.add(e.get(field).asText()));
    return out;
  }

  static JsonNode byName(JsonNode array, String name) {
    for (JsonNode e : array) {
      if (name.equals(e.get("name").asText())) {
        return e;
      }
    }
    throw new AssertionError("no " + name + " in " + array);
  }

  @Test
  void podThatStopsReportingLeavesTheSumsAfterThreeIntervals() throws Exception {
    // 500 ms: stale after 1.5 s, far above the 100 ms export period even on a loaded machine.
    start(Duration.ofMillis(500));
    Map<String, Otlp.Pod> pods = fleet();
    Map<String, Long> lastSent = new ConcurrentHashMap<>();
    ScheduledExecutorService exporter = Executors.newSingleThreadScheduledExecutor();
    try {
      exporter.scheduleAtFixedRate(
          () ->
              pods.forEach(
                  (id, p) -> {
                    // Taken before sending: the collector sees the export after this instant.
                    lastSent.put(id, System.nanoTime());
                    http.postProto("/v1/metrics", p.request());
                  }),
          0,
          100,
          TimeUnit.MILLISECONDS);
      Http.await(
          Duration.ofSeconds(30),
          () -> openOf(http.json("/api/overview")) == 35,
          () -> "open = " + openOf(http.json("/api/overview")));

      pods.remove("payments-c");
      long stoppedAt = System.nanoTime();
      Http.await(
          Duration.ofSeconds(30),
          () -> openOf(http.json("/api/overview")) == 25,
          () -> "open = " + openOf(http.json("/api/overview")));
      long after = System.nanoTime() - lastSent.get("payments-c");
      assertThat(Duration.ofNanos(after)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
      assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isLessThan(Duration.ofSeconds(5));

      JsonNode overview = http.json("/api/overview");
      JsonNode db = overview.get("databases").get(0);
      assertThat(db.get("planned").asLong()).isEqualTo(30);
      assertThat(db.get("pods").asInt()).isEqualTo(4);
      assertThat(db.get("pending").asLong()).isEqualTo(1);
      JsonNode payments = overview.get("services").get(1);
      assertThat(payments.get("name").asText()).isEqualTo("payments");
      assertThat(payments.get("pods").asInt()).isEqualTo(2);
      assertThat(payments.get("stalePods").asInt()).isEqualTo(1);
      assertThat(http.json("/api/pods/payments-c").get("stale").asBoolean()).isTrue();
    } finally {
      exporter.shutdownNow();
      exporter.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  static long openOf(JsonNode overview) {
    JsonNode dbs = overview.get("databases");
    return dbs.isEmpty() ? -1 : dbs.get(0).get("open").asLong();
  }
}
