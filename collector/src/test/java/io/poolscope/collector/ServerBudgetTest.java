package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.poolscope.alerts.Rule;
import io.poolscope.alerts.RuleSet;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as the unit of the budget, against a real PostgreSQL probed by a real collector over
 * HTTP: two databases and two roles of one server (one role with {@code CONNECTION LIMIT 5}), the
 * agents' figures exported as OTLP for the sessions the test holds, one agentless session. The
 * server's open is the sum over its databases, actual is the server's own count, unattributed is
 * the agentless session alone, the role row shows n / 5, and the role's alert fires before the
 * sixth session is refused.
 */
class ServerBudgetTest {
  static final Duration TIMEOUT = Duration.ofSeconds(20);
  static EmbeddedPostgres pg;

  @TempDir Path dir;
  final List<Connection> sessions = new ArrayList<>();
  ScheduledExecutorService feeder;

  /** Exports {@code request} now and every 100 ms, as live agents do, until the test ends. */
  void feed(Http http, ExportMetricsServiceRequest request) {
    assertThat(http.postProto("/v1/metrics", request).statusCode()).isEqualTo(200);
    feeder = Executors.newSingleThreadScheduledExecutor();
    feeder.scheduleWithFixedDelay(
        () -> {
          try {
            http.postProto("/v1/metrics", request);
          } catch (RuntimeException e) {
            // A slow request on a loaded machine: the next one carries the same figures.
          }
        },
        100,
        100,
        TimeUnit.MILLISECONDS);
  }

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = EmbeddedPostgres.builder().setServerConfig("max_connections", "20").start();
    try (Connection c = connect("postgres", "postgres");
        Statement s = c.createStatement()) {
      s.execute("create role app_a login connection limit 5");
      s.execute("create role app_b login");
      s.execute("create database payments");
      s.execute("create database shop");
    }
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    pg.close();
  }

  @AfterEach
  void closeSessions() throws Exception {
    if (feeder != null) {
      feeder.shutdownNow();
      assertThat(feeder.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
    for (Connection c : sessions) {
      c.close();
    }
  }

  static Connection connect(String user, String database) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + database, p);
  }

  void hold(String user, String database, int n) throws SQLException {
    for (int i = 0; i < n; i++) {
      sessions.add(connect(user, database));
    }
  }

  /** One agent JVM's export: {@code open} connections as {@code user} to {@code db}. */
  static Otlp.Pod agent(String instance, String db, String user, int open) {
    Otlp.Pod p = Otlp.pod(instance.replaceAll("-\\d+$", ""), instance);
    p.pool(db, "main", open, 0, 10, 0);
    p.metrics.add(
        Otlp.gauge(
            "poolscope.connection.open",
            open,
            UserAndLimitIngestTest.with(Otlp.target(db), "db.user", user)));
    return p;
  }

  Collector start(List<CollectorConfig.Server> servers) throws Exception {
    Rule role =
        RuleSet.defaults().rules().stream()
            .filter(r -> r.name().equals("PoolscopeRoleBudgetHigh"))
            .findFirst()
            .orElseThrow();
    // The default rule with for: 0s, so the test need not wait a minute of real time.
    Path rules = dir.resolve("rules.yml");
    Files.writeString(
        rules,
        new RuleSet(
                List.of(
                    new Rule(
                        role.name(),
                        role.expr(),
                        Duration.ZERO,
                        role.labels(),
                        role.annotations())),
                "role")
            .toPrometheusRuleFile());
    return Collector.start(
        CollectorConfig.builder()
            .host("127.0.0.1")
            .port(0)
            .exportInterval(Duration.ofSeconds(1))
            .probeInterval(Duration.ofMillis(100))
            .historyStep(Duration.ofMillis(200))
            .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
            .alertRules(rules)
            .servers(servers)
            .build());
  }

  static JsonNode server(Http http, String id) {
    for (JsonNode s : http.json("/api/servers")) {
      if (s.path("id").asText().equals(id)) {
        return s;
      }
    }
    return null;
  }

  static JsonNode row(JsonNode server, String kind, String name) {
    for (JsonNode r : server.path(kind)) {
      if (r.path("name").asText().equals(name)) {
        return r;
      }
    }
    throw new AssertionError("no " + kind + " row " + name + " in " + server);
  }

  /** The value of the last point of a history series, -1 without one. */
  static double lastPoint(JsonNode history, String name) {
    for (JsonNode s : history.path("series")) {
      if (s.path("name").asText().equals(name) && s.path("points").size() > 0) {
        JsonNode p = s.path("points").get(s.path("points").size() - 1);
        return p.get(1).asDouble();
      }
    }
    return -1;
  }

  static boolean roleAlertFiring(Http http, String role) {
    for (JsonNode a : http.json("/api/alerts").get("active")) {
      if ("PoolscopeRoleBudgetHigh".equals(a.path("rule").asText())
          && "firing".equals(a.path("state").asText())
          && role.equals(a.path("labels").path("role").asText())) {
        return true;
      }
    }
    return false;
  }

  @Test
  void theServerIsTheBudgetWithDatabaseAndRoleRows() throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
    try (Collector c =
        start(List.of(CollectorConfig.Server.withProbe("pg", url, "postgres", null)))) {
      Http http = new Http(c);
      hold("app_a", "payments", 3);
      hold("app_b", "shop", 2);
      hold("postgres", "shop", 1); // a psql-like session no agent accounts for
      String payments = "127.0.0.1:" + pg.getPort() + "/payments";
      // zonky and many apps name the same server localhost: still the same server.
      String shop = "localhost:" + pg.getPort() + "/shop";
      feed(
          http,
          Otlp.request(
              agent("payments-1", payments, "app_a", 3), agent("shop-1", shop, "app_b", 2)));
      Http.await(
          TIMEOUT,
          () -> {
            JsonNode s = server(http, "pg");
            return s != null && s.path("open").asInt() == 5 && s.path("actual").asInt() == 6;
          },
          () -> String.valueOf(server(http, "pg")));
      JsonNode s = server(http, "pg");
      assertThat(s.path("targets")).hasSize(2);
      assertThat(s.path("usable").asInt()).isEqualTo(17); // 20 less 3 superuser slots
      assertThat(s.path("unattributed").asInt()).isEqualTo(1);
      assertThat(s.path("utilization").asDouble()).isEqualTo(5.0 / 17);
      assertThat(row(s, "databases", "payments").path("open").asInt()).isEqualTo(3);
      assertThat(row(s, "databases", "payments").path("actual").asInt()).isEqualTo(3);
      assertThat(row(s, "databases", "shop").path("open").asInt()).isEqualTo(2);
      assertThat(row(s, "databases", "shop").path("actual").asInt()).isEqualTo(3);
      JsonNode appA = row(s, "roles", "app_a");
      assertThat(appA.path("open").asInt()).isEqualTo(3);
      assertThat(appA.path("actual").asInt()).isEqualTo(3);
      assertThat(appA.path("limit").asInt()).isEqualTo(5);
      assertThat(appA.path("utilization").asDouble()).isEqualTo(0.6);
      assertThat(row(s, "roles", "app_b").path("limit").isNull()).isTrue();
      assertThat(roleAlertFiring(http, "app_a")).isFalse();
      // The server's own history: its open, usable, planned and actual, nothing per pool.
      Http.await(
          TIMEOUT,
          () -> lastPoint(http.json("/api/history?server=pg"), "open") == 5,
          () -> http.json("/api/history?server=pg").toString());
      JsonNode history = http.json("/api/history?server=pg");
      assertThat(history.path("server").asText()).isEqualTo("pg");
      assertThat(lastPoint(history, "usable")).isEqualTo(17);
      assertThat(history.path("series").findValuesAsText("name"))
          .containsExactlyInAnyOrder("open", "usable", "planned", "actual");
      assertThat(http.get("/api/history?server=nope").statusCode()).isEqualTo(404);
      assertThat(http.get("/api/history").statusCode()).isEqualTo(400);
      assertThat(http.get("/api/history?server=pg&db=x").statusCode()).isEqualTo(400);
      assertThat(http.get("/metrics").body())
          .asString()
          .contains("poolscope_server_connections_unattributed{server=\"pg\",} 1.0")
          .contains("poolscope_server_role_connections_limit{server=\"pg\",role=\"app_a\",} 5.0");

      // Two more sessions of app_a: 5 / 5, over 80 %: the role's alert fires while the server is
      // at 8 of 17, and before the sixth session is refused.
      hold("app_a", "payments", 2);
      Http.await(
          TIMEOUT, () -> roleAlertFiring(http, "app_a"), () -> http.json("/api/alerts").toString());
      assertThat(server(http, "pg").path("utilization").asDouble()).isLessThan(0.8);
      // The firing is marked on the server's history, where the role's sessions are.
      Http.await(
          TIMEOUT,
          () ->
              http.json("/api/history?server=pg")
                  .path("events")
                  .findValuesAsText("text")
                  .contains("PoolscopeRoleBudgetHigh firing"),
          () -> http.json("/api/history?server=pg").path("events").toString());
      assertThatThrownBy(() -> hold("app_a", "payments", 1))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("53300"))
          .hasMessageContaining("too many connections for role \"app_a\"");
    }
  }

  @Test
  void localhostLoopbackAndAnAliasAreOneServer() throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
    try (Collector c =
        start(
            List.of(
                CollectorConfig.Server.withProbe(
                    "pg", url, "postgres", null, "db.internal.example:" + pg.getPort())))) {
      Http http = new Http(c);
      hold("app_a", "payments", 3);
      int port = pg.getPort();
      feed(
          http,
          Otlp.request(
              agent("a-1", "localhost:" + port + "/payments", "app_a", 1),
              agent("b-1", "127.0.0.1:" + port + "/payments", "app_a", 1),
              agent("c-1", "db.internal.example:" + port + "/payments", "app_a", 1)));
      Http.await(
          TIMEOUT,
          () -> {
            JsonNode s = server(http, "pg");
            return s != null && s.path("open").asInt() == 3 && s.path("actual").asInt() == 3;
          },
          () -> http.json("/api/servers").toString());
      JsonNode all = http.json("/api/servers");
      assertThat(all).as(all.toString()).hasSize(1);
      JsonNode s = all.get(0);
      assertThat(s.path("targets")).hasSize(3);
      assertThat(s.path("unattributed").asInt()).isZero();
      assertThat(s.path("maxConnections").asInt()).isEqualTo(20);
      // One database row for the three names of one database.
      assertThat(row(s, "databases", "payments").path("open").asInt()).isEqualTo(3);
      assertThat(row(s, "roles", "app_a").path("open").asInt()).isEqualTo(3);
      for (JsonNode d : http.json("/api/overview").path("databases")) {
        String id = d.path("id").asText();
        assertThat(http.json("/api/databases/" + id).path("server").asText()).isEqualTo("pg");
      }
    }
  }
}
