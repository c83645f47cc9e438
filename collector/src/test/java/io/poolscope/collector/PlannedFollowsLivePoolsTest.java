package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Planned is the sum of the live pools' maxima after every export, while three pods build and close
 * job pools of different sizes: in the database's and the server's budget, on {@code /metrics}, and
 * in each pod's maximum. A closed pool leaves at once, a pod that exits takes its pools with it.
 */
class PlannedFollowsLivePoolsTest {
  static final String DB = "127.0.0.1:5432/payments";
  static final String ID = "postgresql_127.0.0.1_5432_payments";
  static final String FAMILY = "HikariPool@com.acme.ReconciliationJob.runOnce:57";
  static final int MAIN_MAX = 8;

  @TempDir Path dir;
  Collector collector;
  Http http;

  /** Per pod reporting, its open job pools and their maxima: what planned must be made of. */
  final Map<String, Map<String, Integer>> live = new LinkedHashMap<>();

  @BeforeEach
  void start() {
    collector =
        Collector.start(
            CollectorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                // Nothing goes stale during the test: every pool leaves by saying so.
                .exportInterval(Duration.ofMinutes(5))
                .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
                .databases(List.of(new CollectorConfig.Database(ID, 200, 3, null, null, null)))
                .build());
    http = new Http(collector);
  }

  @AfterEach
  void stop() {
    collector.close();
  }

  @Test
  void plannedIsTheLivePoolsMaximaAfterEveryBuildAndClose() {
    Random random = new Random(16);
    List<String> pods = List.of("payments-a", "payments-b", "payments-c");
    int built = 0;
    int closed = 0;
    for (int step = 0; step < 90; step++) {
      String pod = pods.get(random.nextInt(pods.size()));
      Map<String, Integer> pools = live.computeIfAbsent(pod, k -> new LinkedHashMap<>());
      String closing = null;
      if (!pools.isEmpty() && random.nextInt(3) > 0) {
        closing = new ArrayList<>(pools.keySet()).get(random.nextInt(pools.size()));
      } else {
        pools.put("HikariPool-" + (100 + step), 1 + random.nextInt(5));
        built++;
      }
      Otlp.Pod export = export(pod);
      if (closing != null) {
        // The export with the pool's final figures says it is closed.
        export.familyPool(DB, closing, FAMILY, 0, 0, pools.remove(closing), false);
        closed++;
      }
      send(export);
      assertPlanned("after step " + step);
    }
    assertThat(built).isGreaterThan(20);
    assertThat(closed).isGreaterThan(20);

    // A pod exits: its main pool and its open job pools leave with it.
    send(Otlp.pod("payments", "payments-b").open(DB, 0).exiting());
    live.remove("payments-b");
    assertPlanned("after payments-b exited");
  }

  /** The pod's export: its main pool and every open job pool. */
  Otlp.Pod export(String pod) {
    Otlp.Pod p = Otlp.pod("payments", pod).pool(DB, "payments-main", 1, 1, MAIN_MAX, 0);
    live.get(pod).forEach((name, max) -> p.familyPool(DB, name, FAMILY, 1, 0, max, true));
    return p.open(DB, 2 + live.get(pod).size());
  }

  void assertPlanned(String when) {
    long expected = 0;
    for (Map<String, Integer> pools : live.values()) {
      expected += MAIN_MAX + pools.values().stream().mapToInt(Integer::intValue).sum();
    }
    JsonNode db = http.json("/api/overview").get("databases").get(0);
    assertThat(db.get("planned").asLong()).as("database planned " + when).isEqualTo(expected);
    assertThat(http.json("/api/servers").get(0).get("planned").asLong())
        .as("server planned " + when)
        .isEqualTo(expected);
    String metrics = new String(http.get("/metrics").body(), StandardCharsets.UTF_8);
    assertThat(PoolFamiliesTest.sample(metrics, "poolscope_db_connections_planned{"))
        .as("/metrics planned " + when)
        .isEqualTo(expected);
    for (JsonNode pod : http.json("/api/databases/" + ID).get("services").get(0).get("pods")) {
      Map<String, Integer> pools = live.get(pod.get("instanceId").asText());
      if (pools == null) {
        assertThat(pod.get("stale").asBoolean()).as("exited pod " + when).isTrue();
        continue;
      }
      assertThat(pod.get("max").asLong())
          .as(pod.get("instanceId").asText() + " max " + when)
          .isEqualTo(MAIN_MAX + pools.values().stream().mapToInt(Integer::intValue).sum());
      assertThat(pod.get("livePools").asInt()).isEqualTo(1 + pools.size());
    }
  }

  void send(Otlp.Pod pod) {
    assertThat(http.postProto("/v1/metrics", pod.request()).statusCode()).isEqualTo(200);
  }
}
