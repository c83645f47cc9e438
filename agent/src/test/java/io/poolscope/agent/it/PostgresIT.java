package io.poolscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Physical connections against a real PostgreSQL (one embedded server for the class, started with
 * few connection slots): opens, refusals with their SQLState, unpooled data sources, and redaction
 * of the URL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresIT {
  static final String SECRET = "Pa55-w0rd-XYZ";
  EmbeddedPostgres pg;
  String url;

  @BeforeAll
  void startPostgres() throws Exception {
    // As root, zonky runs initdb and postgres inside a user namespace (unshare -U) as nobody.
    pg =
        EmbeddedPostgres.builder()
            .setServerConfig("max_connections", "8")
            .setServerConfig("superuser_reserved_connections", "0")
            .start();
    url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
  }

  @AfterAll
  void stopPostgres() throws Exception {
    pg.close();
  }

  private Map<String, String> target() {
    return Map.of(
        "db.system.name", "postgresql",
        "server.address", "localhost",
        "server.port", Integer.toString(pg.getPort()),
        "db.namespace", "postgres");
  }

  @Test
  void refusedOpensAreCountedWithSqlState53300AndHeldOnesAsOpen() throws Exception {
    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child =
            ChildJvm.builder()
                .lib("hikari-newest")
                .agentArgs("endpoint=" + r.endpoint() + ",service=pg-it,interval=200ms")
                .app("scenario=exhaust", "url=" + url, "attempts=12")
                .start()) {
      child.awaitStdout("READY");
      int opened = Integer.parseInt(value(child, "opened"));
      int refused = Integer.parseInt(value(child, "refused"));
      assertThat(value(child, "sqlState")).isEqualTo("53300");
      assertThat(opened).isEqualTo(8);
      assertThat(refused).isEqualTo(4);
      Map<String, String> refusedAttrs = new java.util.HashMap<>(target());
      refusedAttrs.put("error.type", "53300");
      // An export snapshotted while the app was still being refused can arrive after READY, so
      // wait for the export that has seen every attempt rather than for the next one.
      Await.until(
          () -> {
            Telemetry now = r.telemetry();
            return now.last("poolscope.connection.open", target()).map(p -> p.value).orElse(-1.0)
                    == opened
                && now.last("poolscope.connection.refused", refusedAttrs)
                        .map(p -> p.value)
                        .orElse(-1.0)
                    == refused;
          },
          30,
          () ->
              "open == "
                  + opened
                  + " and refused == "
                  + refused
                  + " in "
                  + r.telemetry().all("poolscope.connection.open")
                  + r.telemetry().all("poolscope.connection.refused")
                  + child);
      Telemetry t = r.telemetry();
      assertThat(t.last("poolscope.connection.refused", refusedAttrs).orElseThrow().value)
          .isEqualTo(refused);
      child.send("quit");
      child.finish();
      assertThat(r.telemetry().last("poolscope.connection.open", target()).orElseThrow().value)
          .isZero();
      Map<String, String> dm = new java.util.HashMap<>(target());
      dm.put("db.client.connection.pool.name", "DriverManager");
      assertThat(r.telemetry().histogramCount("db.client.connection.use_time", dm))
          .isEqualTo(opened);
      assertThat(r.telemetry().histogramCount("db.client.connection.create_time", dm))
          .isEqualTo(opened);
    }
  }

  @Test
  void unpooledDataSourceConnectionsAreLeasesAndPhysicalOpens() throws Exception {
    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child =
            ChildJvm.builder()
                .lib("hikari-newest")
                .agentArgs("endpoint=" + r.endpoint() + ",service=pg-it,interval=200ms")
                .app("scenario=pgsimple", "url=" + url, "connections=3")
                .start()) {
      assertThat(child.finish()).containsEntry("leases", "3");
      Telemetry t = r.telemetry();
      Map<String, String> ds = new java.util.HashMap<>(target());
      ds.put("db.client.connection.pool.name", "PGSimpleDataSource");
      assertThat(
              t.last("db.client.connection.use_time", ds)
                  .orElseThrow(
                      () ->
                          new AssertionError(
                              t.all("db.client.connection.use_time") + child.toString()))
                  .histogram
                  .getCount())
          .isEqualTo(3);
      assertThat(t.histogramCount("db.client.connection.create_time", ds)).isEqualTo(3);
      assertThat(t.last("poolscope.connection.open", target()).orElseThrow().value).isZero();
    }
  }

  @Test
  void passwordInTheUrlNeverLeavesTheJvm() throws Exception {
    String secretUrl = url + "?user=postgres&password=" + SECRET + "&ApplicationName=orders";
    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child =
            ChildJvm.builder()
                .lib("hikari-newest")
                .agentArgs("endpoint=" + r.endpoint() + ",service=pg-it,interval=200ms")
                .app(
                    "pool=hikari",
                    "scenario=contention",
                    "threads=4",
                    "leases=3",
                    "holdMs=20",
                    "url=" + secretUrl,
                    "user=postgres",
                    "password=" + SECRET)
                .start()) {
      assertThat(child.finish()).containsEntry("leases", "12");
      Telemetry t = r.telemetry();
      Map<String, String> pool = new java.util.HashMap<>(target());
      pool.put("db.client.connection.pool.name", "orders-pool");
      assertThat(t.histogramCount("db.client.connection.use_time", pool)).isEqualTo(12);
      assertThat(t.last("db.client.connection.create_time", pool)).isPresent();
      assertThat(r.raw).isNotEmpty();
      for (byte[] body : r.raw) {
        String s = new String(body, StandardCharsets.ISO_8859_1);
        assertThat(s)
            .doesNotContain(SECRET)
            .doesNotContain("password")
            .doesNotContain("ApplicationName");
      }
    }
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
