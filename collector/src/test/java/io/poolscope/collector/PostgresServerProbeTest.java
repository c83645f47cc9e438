package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolscope.collector.internal.probe.ProbeResult;
import io.poolscope.collector.internal.probe.ProbeRunner;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The probe's server model against a real PostgreSQL: one server with two databases and two roles,
 * one role with {@code CONNECTION LIMIT 5} and one database with a {@code datconnlimit}, sessions
 * on both, and one session with an application name of its own. Every figure is the one the server
 * itself holds.
 */
class PostgresServerProbeTest {
  static EmbeddedPostgres pg;
  static String systemIdentifier;

  final List<Connection> open = new ArrayList<>();

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = EmbeddedPostgres.builder().setServerConfig("max_connections", "20").start();
    try (Connection c = connect("postgres", "postgres", "setup");
        Statement s = c.createStatement()) {
      s.execute("create role app_a login connection limit 5");
      s.execute("create role app_b login");
      s.execute("create role watcher login");
      s.execute("create database payments");
      s.execute("create database shop connection limit 3");
      try (ResultSet rs = s.executeQuery("select system_identifier from pg_control_system()")) {
        rs.next();
        systemIdentifier = rs.getString(1);
      }
    }
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    pg.close();
  }

  @AfterEach
  void closeSessions() throws Exception {
    for (Connection c : open) {
      c.close();
    }
    open.clear();
  }

  static Connection connect(String user, String database, String applicationName) throws Exception {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("ApplicationName", applicationName);
    // 127.0.0.1, not localhost: localhost may be ::1 first, and the client address is checked.
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + database, p);
  }

  void session(String user, String database, String applicationName) throws Exception {
    open.add(connect(user, database, applicationName));
  }

  static ProbeRunner probe(String user) {
    return new ProbeRunner(
        CollectorConfig.builder()
            .probeInterval(Duration.ofMillis(100))
            .probeTimeout(Duration.ofSeconds(2))
            .databases(
                List.of(
                    CollectorConfig.Database.withProbe(
                        "pg",
                        "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres",
                        user,
                        null)))
            .build(),
        System::currentTimeMillis,
        () -> {});
  }

  static ProbeResult await(ProbeRunner r, Predicate<ProbeResult> done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    ProbeResult last = null;
    while (System.nanoTime() < deadline) {
      last = r.results().get("pg");
      if (last != null && done.test(last)) {
        return last;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("probe reading never satisfied the condition; last: " + last);
  }

  @Test
  void serverDatabasesRolesAndSessionsAreTheServersOwnFigures() throws Exception {
    session("app_a", "payments", "payments-svc");
    session("app_a", "payments", "payments-svc");
    session("app_b", "payments", "shop-svc");
    session("app_b", "shop", "shop-svc");
    session("postgres", "shop", "psql");
    try (ProbeRunner r = probe("postgres")) {
      ProbeResult res = await(r, p -> p.isOk() && p.actual() == 5);

      assertThat(res.server())
          .isEqualTo(
              new ProbeResult.Server(
                  "postgresql:" + systemIdentifier + ":" + pg.getPort(), 20, 3, null, null));
      assertThat(res.server().usable()).isEqualTo(17);
      assertThat(res.maxConnections()).isEqualTo(20);
      assertThat(res.reserved()).isEqualTo(3);
      // The probe's own session (postgres on postgres) is in none of the counts.
      assertThat(res.databases())
          .containsExactly(
              new ProbeResult.Scope("payments", null, 3),
              new ProbeResult.Scope("postgres", null, 0),
              new ProbeResult.Scope("shop", 3, 2));
      assertThat(res.roles())
          .containsExactly(
              new ProbeResult.Scope("app_a", 5, 2),
              new ProbeResult.Scope("app_b", null, 2),
              // The bootstrap superuser: rolconnlimit does not apply to superusers.
              new ProbeResult.Scope("postgres", null, 1),
              new ProbeResult.Scope("watcher", null, 0));
      assertThat(res.sessions())
          .containsExactly(
              new ProbeResult.Session("payments", "app_a", "payments-svc", "127.0.0.1", 2),
              new ProbeResult.Session("payments", "app_b", "shop-svc", "127.0.0.1", 1),
              new ProbeResult.Session("shop", "app_b", "shop-svc", "127.0.0.1", 1),
              new ProbeResult.Session("shop", "postgres", "psql", "127.0.0.1", 1));
      assertThat(res.clients())
          .containsExactly(
              new ProbeResult.Client("payments-svc", "app_a", "127.0.0.1", 2),
              new ProbeResult.Client("shop-svc", "app_b", "127.0.0.1", 2),
              new ProbeResult.Client("psql", "postgres", "127.0.0.1", 1));

      // One session ends: every list follows, from one snapshot.
      open.remove(0).close();
      res = await(r, p -> p.isOk() && p.actual() == 4);
      assertThat(res.roles()).contains(new ProbeResult.Scope("app_a", 5, 1));
      assertThat(res.databases()).contains(new ProbeResult.Scope("payments", null, 2));
      assertThat(res.sessions())
          .contains(new ProbeResult.Session("payments", "app_a", "payments-svc", "127.0.0.1", 1));
    }
  }

  @Test
  void withoutAccessToTheControlDataTheIdentityIsUnknownAndTheFiguresStay() throws Exception {
    // pg_monitor shows other roles' sessions; the control data is withheld from this user alone.
    try (Connection c = connect("postgres", "postgres", "setup");
        Statement s = c.createStatement()) {
      s.execute("grant pg_monitor to watcher");
      s.execute("revoke execute on function pg_control_system() from public");
    }
    try {
      session("app_a", "payments", "payments-svc");
      try (ProbeRunner r = probe("watcher")) {
        ProbeResult res = await(r, p -> p.isOk() && p.actual() == 1);
        assertThat(res.server().identity()).isNull();
        assertThat(res.server().maxConnections()).isEqualTo(20);
        assertThat(res.roles()).contains(new ProbeResult.Scope("app_a", 5, 1));
        assertThat(res.sessions())
            .containsExactly(
                new ProbeResult.Session("payments", "app_a", "payments-svc", "127.0.0.1", 1));
      }
    } finally {
      try (Connection c = connect("postgres", "postgres", "setup");
          Statement s = c.createStatement()) {
        s.execute("grant execute on function pg_control_system() to public");
        s.execute("revoke pg_monitor from watcher");
      }
    }
  }
}
