package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three collectors on one (embedded, real) PostgreSQL store, a fleet whose exports are spread over
 * them: every replica answers as one collector that received the whole fleet.
 */
class ReplicatedFleetTest {
  static final String DB = "127.0.0.1:5432/orders";

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private Collector start(String url, String user) {
    return start(config(url, user));
  }

  private static CollectorConfig.Builder config(String url, String user) {
    return CollectorConfig.builder()
        .host("127.0.0.1")
        .port(0)
        .exportInterval(Duration.ofMillis(500))
        .storeUrl(url)
        .storeUser(user)
        .storePassword("");
  }

  private Collector start(CollectorConfig.Builder config) {
    Collector c = Collector.start(config.build());
    open.add(c);
    return c;
  }

  private static List<Otlp.Pod> fleet() {
    List<Otlp.Pod> pods = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String svc = "svc" + (i % 4);
      pods.add(
          Otlp.pod(svc, svc + "-" + i)
              .pool(DB, svc + "-pool", 1 + i % 5, 2, 10, i % 3)
              .open(DB, 3 + i % 5));
    }
    return pods;
  }

  /** Per metric name, the sum of its Poolscope fleet samples in a scrape. */
  static Map<String, Double> sums(Http http) {
    Map<String, Double> out = new TreeMap<>();
    String text = new String(http.get("/metrics").body(), StandardCharsets.UTF_8);
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || !line.startsWith("poolscope_") || line.contains("ingest")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name = line.substring(0, brace > 0 ? brace : space);
      if (name.startsWith("poolscope_collector")) {
        continue;
      }
      out.merge(name, Double.parseDouble(line.substring(space + 1)), Double::sum);
    }
    return out;
  }

  static String overview(Http http) {
    JsonNode o = http.json("/api/overview");
    return o.get("databases").toString() + " pods=" + o.path("fleet").toString();
  }

  @Test
  void everyReplicaAnswersWithTheWholeFleetWhicheverReplicaGotEachExport() throws Exception {
    EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
    open.add(pg);
    String url = pg.getJdbcUrl("postgres", "postgres");
    List<Http> replicas = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      replicas.add(new Http(start(url, "postgres")));
    }
    Http single = new Http(start("jdbc:h2:file:" + dir.resolve("single"), "sa"));
    List<Otlp.Pod> pods = fleet();
    for (int i = 0; i < pods.size(); i++) {
      var req = pods.get(i).request();
      assertThat(replicas.get(i % 3).postProto("/v1/metrics", req).statusCode()).isEqualTo(200);
      assertThat(single.postProto("/v1/metrics", req).statusCode()).isEqualTo(200);
    }
    Map<String, Double> expected = sums(single);
    String expectedOverview = overview(single);
    assertThat(expected).containsKey("poolscope_pool_connections_used");
    for (Http r : replicas) {
      Http.await(
          Duration.ofSeconds(20),
          () -> sums(r).equals(expected) && overview(r).equals(expectedOverview),
          () ->
              "replica "
                  + sums(r)
                  + "\n"
                  + overview(r)
                  + "\nsingle "
                  + expected
                  + "\n"
                  + expectedOverview);
    }
    // Exactly one replica leads; the others follow.
    List<String> leaders = new ArrayList<>();
    for (Http r : replicas) {
      JsonNode h = r.json("/api/health");
      assertThat(h.get("store").asText()).isEqualTo("ok");
      leaders.add(h.get("leader").asText());
    }
    Http.await(
        Duration.ofSeconds(10),
        () -> {
          leaders.clear();
          replicas.forEach(r -> leaders.add(r.json("/api/health").get("leader").asText()));
          return leaders.stream().filter("leader"::equals).count() == 1;
        },
        leaders::toString);
    assertThat(leaders).containsOnly("leader", "follower");
  }

  /** Monitoring sessions the collectors hold on the store's server. */
  static int probeSessions(String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select count(*) from pg_stat_activity where application_name = 'poolscope-probe'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void onlyTheLeaderProbesAndEvaluatesAndEveryReplicaShowsItsReadingsAndAlerts() throws Exception {
    EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
    open.add(pg);
    String url = pg.getJdbcUrl("postgres", "postgres");
    Path rules = ChildCollectors.usedHigh(dir.resolve("rules.yml"), "1h");
    List<Http> replicas = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      replicas.add(
          new Http(
              start(
                  config(url, "postgres")
                      .alertRules(rules)
                      // One reading at start: every replica must show that same reading.
                      .probeInterval(Duration.ofHours(1))
                      .databases(
                          List.of(
                              CollectorConfig.Database.withProbe(
                                  "orders",
                                  "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres",
                                  "postgres",
                                  null))))));
    }
    // The agents keep exporting (the same figures), spread over the replicas.
    List<Otlp.Pod> pods = fleet();
    java.util.concurrent.ScheduledExecutorService agents =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    open.add(agents::shutdownNow);
    agents.scheduleAtFixedRate(
        () -> {
          for (int i = 0; i < pods.size(); i++) {
            replicas.get(i % 3).postProto("/v1/metrics", pods.get(i).request());
          }
        },
        0,
        250,
        java.util.concurrent.TimeUnit.MILLISECONDS);
    Http leader =
        replicas.stream()
            .filter(r -> "leader".equals(r.json("/api/health").get("leader").asText()))
            .findFirst()
            .orElseThrow();
    // Every service's used connections, once the leader has the whole fleet.
    Map<String, Double> used = new TreeMap<>();
    for (int i = 0; i < 30; i++) {
      used.merge("svc" + (i % 4), 1.0 + i % 5, Double::sum);
    }
    Http.await(
        Duration.ofSeconds(20),
        () -> {
          Map<String, Double> values = new TreeMap<>();
          leader
              .json("/api/alerts")
              .get("active")
              .forEach(
                  a ->
                      values.put(
                          a.get("labels").get("service").asText(), a.get("value").asDouble()));
          return values.equals(used);
        },
        () -> leader.json("/api/alerts").toString());
    String alerts = leader.json("/api/alerts").toString();
    String probed = leader.json("/api/overview").get("databases").toString();
    assertThat(probed).contains("\"status\":\"ok\"");
    for (Http r : replicas) {
      Http.await(
          Duration.ofSeconds(20),
          () ->
              r.json("/api/alerts").toString().equals(alerts)
                  && r.json("/api/overview").get("databases").toString().equals(probed),
          () ->
              "replica "
                  + r.json("/api/alerts")
                  + r.json("/api/overview").get("databases")
                  + "\nleader "
                  + alerts
                  + probed);
    }
    assertThat(probeSessions(url)).as("one monitoring session, the leader's").isEqualTo(1);
  }
}
