package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three collectors on one embedded PostgreSQL whose server is stopped while the fleet exports, and
 * started again on the same data directory and port: meanwhile every replica answers 503 with
 * {@code Retry-After} (health and ingest) and nothing is written; afterwards every replica recovers
 * by itself, and one round of the agents' exports brings every pod back into every replica's view.
 *
 * <p>The outage lasts a minute, as an outage a store failover or restart takes; {@code
 * -Dpoolscope.test.storeOutageSeconds} shortens it while working on the test.
 */
class StoreOutageTest {
  static final String DB = "127.0.0.1:5432/orders";
  static final int PODS = 30;
  static final long OUTAGE_MILLIS = Long.getLong("poolscope.test.storeOutageSeconds", 60) * 1000;

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();
  private EmbeddedPostgres pg;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  private EmbeddedPostgres startStore(int port) throws IOException {
    return EmbeddedPostgres.builder()
        .setPort(port)
        .setDataDirectory(dir.resolve("pgdata"))
        .setCleanDataDirectory(false)
        .start();
  }

  private Collector start(String url, String user) {
    Collector c =
        Collector.start(
            CollectorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .exportInterval(Duration.ofMillis(500))
                .storeUrl(url)
                .storeUser(user)
                .storePassword("")
                .build());
    open.add(c);
    return c;
  }

  private static List<Otlp.Pod> fleet(int used) {
    List<Otlp.Pod> pods = new ArrayList<>();
    for (int i = 0; i < PODS; i++) {
      String svc = "svc" + (i % 3);
      pods.add(
          Otlp.pod(svc, svc + "-" + i)
              .pool(DB, svc + "-pool", used + i % 4, 2, 10, 0)
              .open(DB, 3 + i % 4));
    }
    return pods;
  }

  /** One round of the agents' exports, pod i to replica i mod 3; returns the statuses. */
  private static List<HttpResponse<byte[]>> round(List<Http> replicas, List<Otlp.Pod> pods) {
    List<HttpResponse<byte[]>> out = new ArrayList<>();
    for (int i = 0; i < pods.size(); i++) {
      out.add(replicas.get(i % replicas.size()).postProto("/v1/metrics", pods.get(i).request()));
    }
    return out;
  }

  /** Live and stale pods a replica shows. */
  private static int pods(Http r) {
    int n = 0;
    for (JsonNode s : r.json("/api/overview").get("services")) {
      n += s.get("pods").asInt() + s.get("stalePods").asInt();
    }
    return n;
  }

  private static int livePods(Http r) {
    int n = 0;
    for (JsonNode s : r.json("/api/overview").get("services")) {
      n += s.get("pods").asInt();
    }
    return n;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void replicasAnswer503WhileTheStoreIsDownAndRecoverEveryPodByThemselves() throws Exception {
    int port = freePort();
    pg = startStore(port);
    String url = pg.getJdbcUrl("postgres", "postgres");
    List<Http> replicas = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      replicas.add(new Http(start(url, "postgres")));
    }
    Http single = new Http(start("jdbc:h2:file:" + dir.resolve("single"), "sa"));
    List<Otlp.Pod> pods = fleet(1);
    round(List.of(single), pods);
    Map<String, Double> expected = ReplicatedFleetTest.sums(single);
    String expectedOverview = ReplicatedFleetTest.overview(single);
    assertThat(round(replicas, pods)).allMatch(r -> r.statusCode() == 200);
    for (Http r : replicas) {
      Http.await(
          Duration.ofSeconds(20),
          () -> ReplicatedFleetTest.sums(r).equals(expected),
          () -> "before the outage " + ReplicatedFleetTest.sums(r) + " single " + expected);
    }

    pg.close();
    long down = System.currentTimeMillis();
    // Every replica notices by itself (its once-a-second read of the store fails) and says so.
    for (Http r : replicas) {
      Http.await(
          Duration.ofSeconds(20),
          () -> r.get("/api/health").statusCode() == 503,
          () -> r.get("/api/health").toString());
      HttpResponse<byte[]> h = r.get("/api/health");
      assertThat(h.headers().firstValue("Retry-After")).isPresent();
      JsonNode health = Http.parse(h.body());
      assertThat(health.get("status").asText()).isEqualTo("store_unavailable");
      assertThat(health.get("store").asText()).isEqualTo("unreachable");
      assertThat(health.get("leader").asText()).isEqualTo("unknown");
    }
    // Agents' exports and leak events are refused with Retry-After, so agents keep and resend
    // them; a request of several pods is refused as a whole.
    List<Otlp.Pod> changed = fleet(7);
    HttpResponse<byte[]> twoPods =
        replicas.get(0).postProto("/v1/metrics", Otlp.request(changed.get(0), changed.get(1)));
    assertThat(twoPods.statusCode()).isEqualTo(503);
    assertThat(twoPods.headers().firstValue("Retry-After")).isPresent();
    byte[] leak =
        Otlp.leak(pods.get(0), DB, "svc0-pool", "suspected", "a.B(B.java:1)").toByteArray();
    assertThat(
            replicas
                .get(1)
                .post("/v1/logs", leak, "Content-Type", "application/x-protobuf")
                .statusCode())
        .isEqualTo(503);
    // For the whole outage: 503 on every replica, and no pod leaves any replica's view.
    while (System.currentTimeMillis() - down < OUTAGE_MILLIS) {
      for (HttpResponse<byte[]> r : round(replicas, pods)) {
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
      }
      for (Http r : replicas) {
        assertThat(r.get("/api/health").statusCode()).isEqualTo(503);
        assertThat(pods(r)).isEqualTo(PODS);
      }
      Thread.sleep(500); // the agents' export interval: the pace of the outage, not a wait
    }

    pg = startStore(port);
    // Nothing of a refused request reached the store.
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        PreparedStatement ps =
            c.prepareStatement("select count(*) from poolscope_pod_state where received_at >= ?")) {
      ps.setLong(1, down);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getInt(1)).as("pod rows written during the outage").isZero();
      }
    }
    for (Http r : replicas) {
      Http.await(
          Duration.ofSeconds(30),
          () -> r.get("/api/health").statusCode() == 200,
          () -> r.get("/api/health").toString());
    }
    long recovered = System.currentTimeMillis();
    // One round of exports after the store is back: every replica shows the whole fleet again.
    assertThat(round(replicas, pods)).allMatch(r -> r.statusCode() == 200);
    for (Http r : replicas) {
      Http.await(
          Duration.ofSeconds(10),
          () ->
              livePods(r) == PODS
                  && ReplicatedFleetTest.sums(r).equals(expected)
                  && ReplicatedFleetTest.overview(r).equals(expectedOverview),
          () -> "after the outage " + ReplicatedFleetTest.sums(r) + " single " + expected);
    }
    long whole = System.currentTimeMillis() - recovered;
    // The leak event the agent resends is stored once.
    assertThat(
            replicas
                .get(2)
                .post("/v1/logs", leak, "Content-Type", "application/x-protobuf")
                .statusCode())
        .isEqualTo(200);
    for (Http r : replicas) {
      Http.await(
          Duration.ofSeconds(10),
          () -> r.json("/api/leaks").size() == 1,
          () -> r.json("/api/leaks").toString());
    }
    // Leadership is taken again, by exactly one replica.
    Http.await(
        Duration.ofSeconds(20),
        () ->
            replicas.stream()
                    .filter(r -> "leader".equals(r.json("/api/health").get("leader").asText()))
                    .count()
                == 1,
        () -> replicas.stream().map(r -> r.json("/api/health").toString()).toList().toString());
    System.out.printf(
        "StoreOutageTest: store down %d s; every replica answered 503 throughout; whole fleet on"
            + " every replica %d ms after the first round of exports%n",
        OUTAGE_MILLIS / 1000, whole);
  }
}
