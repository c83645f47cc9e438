package io.poolscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The limit that refused each open ({@code poolscope.refused.limit}) and the database user of each
 * open connection ({@code db.user}), against a real PostgreSQL with a role limit, a database limit,
 * reserved slots and a small max_connections; the app gives the user in the properties, in the URL,
 * as a data source setting and as getConnection's argument, and a password each time, which never
 * reaches the export.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerLimitsIT {
  static final String SECRET = "Lim1ts-Pa55-Q7";
  EmbeddedPostgres pg;

  @BeforeAll
  void startPostgres() throws Exception {
    // Ten slots, two for superusers: ordinary roles get eight.
    pg =
        EmbeddedPostgres.builder()
            .setServerConfig("max_connections", "10")
            .setServerConfig("superuser_reserved_connections", "2")
            .start();
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres", "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("create role capped login password '" + SECRET + "' connection limit 2");
      s.execute("create role reporter login password '" + SECRET + "'");
      s.execute("create database shop connection limit 1");
    }
  }

  @AfterAll
  void stopPostgres() throws Exception {
    pg.close();
  }

  private Map<String, String> target(String database, String... more) {
    Map<String, String> m = new HashMap<>();
    m.put("db.system.name", "postgresql");
    m.put("server.address", "127.0.0.1");
    m.put("server.port", Integer.toString(pg.getPort()));
    m.put("db.namespace", database);
    for (int i = 0; i < more.length; i += 2) {
      m.put(more[i], more[i + 1]);
    }
    return m;
  }

  @Test
  void refusalsNameTheLimitAndOpenConnectionsTheirUser() throws Exception {
    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child =
            ChildJvm.builder()
                .lib("hikari-newest")
                .mainClass("io.poolscope.testapp.LimitsApp")
                .agentArgs("endpoint=" + r.endpoint() + ",service=limits-it,interval=200ms")
                .app("base=jdbc:postgresql://127.0.0.1:" + pg.getPort(), "password=" + SECRET)
                .start()) {
      child.awaitStdout("READY");
      assertThat(value(child, "opened.role")).isEqualTo("2");
      assertThat(value(child, "refused.role")).contains("53300", "too many connections for role");
      assertThat(value(child, "opened.database")).isEqualTo("1");
      assertThat(value(child, "refused.database"))
          .contains("53300", "too many connections for database");
      assertThat(value(child, "refused.reserved"))
          .contains("53300", "remaining connection slots are reserved");
      assertThat(value(child, "refused.server")).contains("53300", "too many clients already");
      int reporter = Integer.parseInt(value(child, "opened.reserved"));
      int superuser = 1 + Integer.parseInt(value(child, "opened.server"));

      Map<String, Map<String, String>> refused = new HashMap<>();
      for (String[] limit :
          new String[][] {
            {"role", "postgres"},
            {"database", "shop"},
            {"reserved", "postgres"},
            {"server", "postgres"}
          }) {
        refused.put(
            limit[0], target(limit[1], "error.type", "53300", "poolscope.refused.limit", limit[0]));
      }
      Map<String, Map<String, String>> open = new HashMap<>();
      open.put("capped", target("postgres", "db.user", "capped"));
      open.put("reporter@shop", target("shop", "db.user", "reporter"));
      open.put("reporter", target("postgres", "db.user", "reporter"));
      open.put("postgres", target("postgres", "db.user", "postgres"));
      Map<String, Integer> expectedOpen =
          Map.of("capped", 2, "reporter@shop", 1, "reporter", reporter, "postgres", superuser);
      Await.until(
          () -> {
            Telemetry t = r.telemetry();
            for (Map<String, String> m : refused.values()) {
              if (t.last("poolscope.connection.refused", m).map(p -> p.value).orElse(-1.0) != 1) {
                return false;
              }
            }
            for (Map.Entry<String, Integer> e : expectedOpen.entrySet()) {
              if (t.last("poolscope.connection.open", open.get(e.getKey()))
                      .map(p -> p.value)
                      .orElse(-1.0)
                  != e.getValue().doubleValue()) {
                return false;
              }
            }
            return true;
          },
          30,
          () ->
              "open "
                  + expectedOpen
                  + " and one refusal per limit in "
                  + tail(r.telemetry().all("poolscope.connection.open"))
                  + tail(r.telemetry().all("poolscope.connection.refused"))
                  + child);
      Telemetry t = r.telemetry();
      // Every open connection has its user; every refusal its limit, and no user.
      for (Telemetry.Point p : t.all("poolscope.connection.open")) {
        assertThat(p.attr("db.user")).as(p.toString()).isIn("capped", "reporter", "postgres");
      }
      for (Telemetry.Point p : t.all("poolscope.connection.refused")) {
        assertThat(p.attr("poolscope.refused.limit"))
            .as(p.toString())
            .isIn("role", "database", "reserved", "server");
        assertThat(p.attr("db.user")).isNull();
      }
      child.send("quit");
      child.finish();
      assertThat(r.raw).isNotEmpty();
      for (byte[] body : r.raw) {
        String s = new String(body, StandardCharsets.ISO_8859_1);
        assertThat(s).doesNotContain(SECRET).doesNotContain("password").doesNotContain("too many");
      }
    }
  }

  /** The points of the last export or two, not of every export. */
  private static java.util.List<Telemetry.Point> tail(java.util.List<Telemetry.Point> all) {
    return all.subList(Math.max(0, all.size() - 8), all.size());
  }

  private static String value(ChildJvm child, String key) {
    for (String l : child.stdout) {
      if (l.startsWith("RESULT " + key + "=")) {
        return l.substring(l.indexOf('=') + 1);
      }
    }
    throw new AssertionError("no RESULT " + key + child);
  }
}
