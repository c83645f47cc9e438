package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
}
