package io.poolscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database goes away under a busy HikariCP pool and comes back on the same port: the
 * application recovers by itself, and the agent's figures stay sane throughout (no negative
 * connection, pending or open count in any export) and settle to the truth afterwards (nothing
 * used, nothing pending, open equal to the pool's own connections).
 */
class DatabaseOutageIT {
  static final Pattern COUNTS = Pattern.compile("COUNTS ok=(\\d+) failed=(\\d+)");

  @TempDir Path dir;

  @Test
  void figuresStaySaneWhileTheDatabaseIsDownAndSettleWhenItReturns() throws Exception {
    Path data = Files.createDirectories(dir.resolve("pgdata"));
    EmbeddedPostgres pg =
        EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).start();
    int port = pg.getPort();
    String url = "jdbc:postgresql://localhost:" + port + "/postgres";
    Map<String, String> pool = Map.of("db.client.connection.pool.name", "outage-pool");
    try (OtlpReceiver r = new OtlpReceiver();
        AppProcess app =
            new AppProcess(
                "io.poolscope.testapp.OutageApp",
                "hikari-newest",
                "endpoint=" + r.endpoint() + ",interval=200ms",
                url)) {
      app.await("READY", 0, 60);
      long[] healthy = counts(app);
      Await.until(() -> counts(app)[0] > healthy[0] + 100, 30, "requests before the outage");

      pg.close(); // the database goes away (fast shutdown: sessions are terminated)
      long[] down = counts(app);
      Await.until(() -> counts(app)[1] > down[1] + 4, 30, "failures while the database is down");

      pg =
          EmbeddedPostgres.builder()
              .setDataDirectory(data)
              .setCleanDataDirectory(false)
              .setPort(port)
              .start();
      long[] back = counts(app);
      Await.until(() -> counts(app)[0] > back[0] + 100, 60, "requests after the restart");

      app.send("pause");
      app.await("PAUSED", 0, 30);
      int seen = r.metrics.size();
      // After a few exports with every lease returned, the figures are exactly the truth.
      Await.until(
          () -> {
            Telemetry t = r.telemetry();
            return r.metrics.size() > seen + 2
                && value(t, "db.client.connection.pending_requests", pool) == 0
                && used(t) == 0;
          },
          30,
          () -> "settled figures in " + r.telemetry().all("db.client.connection.count"));
      Telemetry t = r.telemetry();
      for (String metric :
          List.of(
              "db.client.connection.count",
              "db.client.connection.pending_requests",
              "poolscope.connection.open")) {
        assertThat(t.all(metric))
            .as(metric + " in every export")
            .isNotEmpty()
            .allSatisfy(p -> assertThat(p.value).as(metric + " " + p).isGreaterThanOrEqualTo(0));
      }
      assertThat(value(t, "db.client.connection.timeouts", pool))
          .as("the outage's failed borrows are counted")
          .isGreaterThan(0);
      Map<String, String> target =
          Map.of(
              "db.system.name", "postgresql",
              "server.address", "localhost",
              "server.port", Integer.toString(port),
              "db.namespace", "postgres");
      // Physical connections the database sees from this JVM: the pool's, no more, no fewer.
      // Both from one export: Hikari may still be refilling (minimumIdle) after the outage, so
      // the idle count of an earlier export is not the pool's final size.
      Await.until(
          () -> {
            Telemetry now = r.telemetry();
            double idle = idle(now);
            return idle >= 1
                && idle <= 4
                && value(now, "poolscope.connection.open", target) == idle;
          },
          30,
          () ->
              "open == idle (1 to 4) in one export: idle "
                  + r.telemetry().all("db.client.connection.count", "outage-pool")
                  + ", open "
                  + r.telemetry().all("poolscope.connection.open"));
      app.send("quit");
    } finally {
      pg.close();
    }
  }

  static double used(Telemetry t) {
    return count(t, "used");
  }

  static double idle(Telemetry t) {
    return count(t, "idle");
  }

  /** The last exported connection count of the outage pool in {@code state}, or -1. */
  private static double count(Telemetry t, String state) {
    return t.last(
            "db.client.connection.count",
            Map.of(
                "db.client.connection.pool.name",
                "outage-pool",
                "db.client.connection.state",
                state))
        .map(p -> p.value)
        .orElse(-1.0);
  }

  static double value(Telemetry t, String metric, Map<String, String> match) {
    return t.last(metric, match).map(p -> p.value).orElse(-1.0);
  }

  /** {ok, failed} borrows of the application so far. */
  static long[] counts(AppProcess app) {
    int skip = app.out.size();
    try {
      app.send("counts");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    Matcher m = COUNTS.matcher(app.await("COUNTS", skip, 10));
    if (!m.matches()) {
      throw new AssertionError("unexpected counts line");
    }
    return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
  }
}
