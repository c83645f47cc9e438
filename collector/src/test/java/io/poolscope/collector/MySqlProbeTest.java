package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.poolscope.collector.internal.probe.ProbeResult;
import io.poolscope.collector.internal.probe.ProbeRunner;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MySQL/MariaDB probe against a real MariaDB server ({@link MariaDbServer}) through the MariaDB
 * JDBC driver, as a user runs it: {@code max_connections} with the SUPER slot on top, clients by
 * user and host without the probe's own session, a monitoring user holding only PROCESS, and a
 * failed login that never shows the password.
 */
class MySqlProbeTest {
  static final int MAX_CONNECTIONS = 30;
  static final int MAX_USER_CONNECTIONS = 20;
  static final String MONITOR_PASSWORD = "Mon-pw-4f9a";
  static MariaDbServer db;

  @TempDir Path dir;
  final List<Connection> open = new ArrayList<>();

  @BeforeAll
  static void startMariaDb() throws Exception {
    // A global max_user_connections that no other test reaches; one set at 0 at start-up could
    // not be changed at run time.
    db = MariaDbServer.start(MAX_CONNECTIONS, "--max-user-connections=" + MAX_USER_CONNECTIONS);
    try (Connection c = db.root();
        Statement s = c.createStatement()) {
      s.execute("create database payments");
      // The monitoring user as collector/README.md tells users to create it: PROCESS only.
      s.execute("create user poolscope@'127.0.0.1' identified by '" + MONITOR_PASSWORD + "'");
      s.execute("grant process on *.* to poolscope@'127.0.0.1'");
      s.execute("create user nopriv@'127.0.0.1' identified by 'nopriv-pw'");
      for (String u : List.of("app", "batch")) {
        s.execute("create user " + u + "@'127.0.0.1' identified by '" + u + "-pw'");
        s.execute("grant select on payments.* to " + u + "@'127.0.0.1'");
      }
      s.execute(
          "create user capped@'127.0.0.1' identified by 'capped-pw' with max_user_connections 2");
      // A monitoring user that may also read mysql.user, for the per-account limits.
      s.execute("create user auditor@'127.0.0.1' identified by '" + MONITOR_PASSWORD + "'");
      s.execute("grant process on *.* to auditor@'127.0.0.1'");
      s.execute("grant select on mysql.user to auditor@'127.0.0.1'");
    }
  }

  @AfterAll
  static void stopMariaDb() throws Exception {
    if (db != null) {
      db.close();
    }
  }

  @AfterEach
  void closeClients() throws SQLException {
    for (Connection c : open) {
      c.close();
    }
    open.clear();
  }

  Connection client(String user) throws SQLException {
    Connection c = db.connect(user, user + "-pw");
    open.add(c);
    return c;
  }

  ProbeRunner probe(String user, String password) {
    return probe(db.url(""), user, password);
  }

  static ProbeRunner probe(String url, String user, String password) {
    return new ProbeRunner(
        CollectorConfig.builder()
            .probeInterval(Duration.ofMillis(100))
            .probeTimeout(Duration.ofSeconds(2))
            .databases(List.of(CollectorConfig.Database.withProbe("m", url, user, password)))
            .build(),
        System::currentTimeMillis,
        () -> {});
  }

  /**
   * The latest reading once it satisfies {@code done}: the server ends a closed session's thread a
   * moment after the client's close returns, so counts settle rather than jump.
   */
  static ProbeResult await(ProbeRunner r, Predicate<ProbeResult> done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    ProbeResult last = null;
    while (System.nanoTime() < deadline) {
      last = r.results().get("m");
      if (last != null && done.test(last)) {
        return last;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("probe reading never satisfied the condition; last: " + last);
  }

  @Test
  void maxConnectionsIsUsableByApplicationsAndTheSuperSlotIsOnTop() throws Exception {
    try (ProbeRunner r = probe("poolscope", MONITOR_PASSWORD)) {
      ProbeResult res = await(r, ProbeResult::isOk);
      assertThat(res.maxConnections()).isEqualTo(MAX_CONNECTIONS);
      assertThat(res.reserved()).isZero();
      assertThat(res.actual()).isZero();

      // The probe's session is one of the 30 ordinary slots; applications get the other 29.
      for (int i = 1; i < MAX_CONNECTIONS; i++) {
        client(i % 2 == 0 ? "app" : "batch");
      }
      assertThatThrownBy(() -> client("app"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("Too many connections");
      // One more for a user with SUPER (here root), and only one.
      try (Connection su = db.root()) {
        assertThatThrownBy(() -> db.root().close())
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("Too many connections");
      }
      res = await(r, p -> p.isOk() && p.actual() == MAX_CONNECTIONS - 1);
      assertThat(res.maxConnections()).isEqualTo(MAX_CONNECTIONS);
    }
  }

  @Test
  void clientsAreCountedByUserAndHostWithoutTheProbesOwnSession() throws Exception {
    for (int i = 0; i < 5; i++) {
      client("app");
    }
    for (int i = 0; i < 2; i++) {
      client("batch");
    }
    try (ProbeRunner r = probe("poolscope", MONITOR_PASSWORD)) {
      ProbeResult res = await(r, p -> p.isOk() && p.actual() == 7);
      assertThat(res.clients())
          .containsExactly(
              new ProbeResult.Client(null, "app", "127.0.0.1", 5),
              new ProbeResult.Client(null, "batch", "127.0.0.1", 2));

      open.remove(0).close();
      res = await(r, p -> p.isOk() && p.actual() == 6);
      assertThat(res.clients())
          .containsExactly(
              new ProbeResult.Client(null, "app", "127.0.0.1", 4),
              new ProbeResult.Client(null, "batch", "127.0.0.1", 2));
    }
  }

  @Test
  void serverIdentityAndAccountLimitsAreTheServersOwn() throws Exception {
    String serverId;
    String hostname;
    try (Connection c = db.root();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select @@server_id, @@hostname")) {
      rs.next();
      serverId = rs.getString(1);
      hostname = rs.getString(2);
      s.execute("set global max_user_connections = 3");
    }
    try {
      for (int i = 0; i < 3; i++) {
        client("app");
      }
      // The two limits refuse with their own error codes: the global one, the account's own.
      assertThatThrownBy(() -> client("app"))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1203));
      client("capped");
      client("capped");
      assertThatThrownBy(() -> client("capped"))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1226));

      List<String> users = List.of("app", "auditor", "batch", "capped");
      try (ProbeRunner r = probe("auditor", MONITOR_PASSWORD)) {
        ProbeResult res = await(r, p -> p.isOk() && p.actual() == 5);
        // MariaDB has no @@server_uuid: server_id, host name and port name the server.
        assertThat(res.server())
            .isEqualTo(
                new ProbeResult.Server(
                    "mariadb:" + serverId + "@" + hostname + ":" + db.port(),
                    MAX_CONNECTIONS,
                    0,
                    null,
                    3));
        assertThat(res.server().usable()).isEqualTo(MAX_CONNECTIONS);
        assertThat(res.roles())
            .filteredOn(a -> users.contains(a.name()))
            .containsExactly(
                new ProbeResult.Scope("app", 3, 3),
                // The probe's own session is not counted.
                new ProbeResult.Scope("auditor", 3, 0),
                new ProbeResult.Scope("batch", 3, 0),
                new ProbeResult.Scope("capped", 2, 2));
        assertThat(res.databases()).containsExactly(new ProbeResult.Scope("", null, 5));
        assertThat(res.sessions())
            .containsExactly(
                new ProbeResult.Session("", "app", null, "127.0.0.1", 3),
                new ProbeResult.Session("", "capped", null, "127.0.0.1", 2));
      }
      // PROCESS alone: the accounts seen in the processlist, each under the global limit.
      try (ProbeRunner r = probe("poolscope", MONITOR_PASSWORD)) {
        ProbeResult res = await(r, p -> p.isOk() && p.actual() == 5);
        assertThat(res.roles())
            .containsExactly(
                new ProbeResult.Scope("app", 3, 3), new ProbeResult.Scope("capped", 3, 2));
      }
    } finally {
      try (Connection c = db.root();
          Statement s = c.createStatement()) {
        s.execute("set global max_user_connections = " + MAX_USER_CONNECTIONS);
      }
    }
  }

  @Test
  void withoutProcessPrivilegeTheFiguresStayButClientsAreUnknown() throws Exception {
    for (int i = 0; i < 3; i++) {
      client("app");
    }
    try (ProbeRunner r = probe("nopriv", "nopriv-pw")) {
      ProbeResult res = await(r, p -> p.isOk() && p.actual() == 3);
      assertThat(res.maxConnections()).isEqualTo(MAX_CONNECTIONS);
      // information_schema.processlist shows such a user only its own session.
      assertThat(res.clients()).isEmpty();
    }
  }

  @Test
  void processAloneGivesNoDatabaseSoTheProbeUrlMustNameNone() throws Exception {
    try (ProbeRunner r = probe(db.url("payments"), "poolscope", MONITOR_PASSWORD)) {
      ProbeResult res = await(r, p -> "failed".equals(p.status()));
      assertThat(res.error()).contains("Access denied").contains("to database 'payments'");
    }
  }

  @Test
  void closingTheRunnerEndsTheMonitoringSession() throws Exception {
    long abortedBefore = abortedClients();
    try (ProbeRunner r = probe("poolscope", MONITOR_PASSWORD)) {
      await(r, ProbeResult::isOk);
      assertThat(sessionsOf("poolscope")).isEqualTo(1);
    }
    // Left open, it would hold a connection slot until the JVM happens to collect the socket
    // (its Cleaner closes it) or the server's idle timeout (8 h). A close tells the server, which
    // drops the session as soon as its thread runs: on a loaded machine that can take longer
    // than a garbage collection would. So the wait is generous, and a session ended by a
    // collected socket instead of a close still fails: the server counts it as an aborted
    // client (every other connection of this class is closed).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (sessionsOf("poolscope") > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(sessionsOf("poolscope")).isZero();
    assertThat(abortedClients())
        .as("sessions the server saw end without the client closing them")
        .isEqualTo(abortedBefore);
  }

  /** The server's count of connections that ended without the client closing them. */
  static long abortedClients() throws SQLException {
    try (Connection c = db.root();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("show global status like 'Aborted_clients'")) {
      rs.next();
      return rs.getLong(2);
    }
  }

  static int sessionsOf(String user) throws SQLException {
    try (Connection c = db.root();
        PreparedStatement s =
            c.prepareStatement(
                "select count(*) from information_schema.processlist where user = ?")) {
      s.setString(1, user);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  @Test
  void wrongPasswordFailsWithAnErrorThatNeverShowsThePassword() throws Exception {
    String wrong = "Wrong-pw-71c3";
    try (ProbeRunner r = probe("poolscope", wrong)) {
      ProbeResult res = await(r, p -> "failed".equals(p.status()));
      assertThat(res.error()).contains("Access denied").doesNotContain(wrong);
      assertThat(res.maxConnections()).isNull();
      assertThat(res.actual()).isNull();
    }
    // The password in the URL instead: neither the URL's password nor the URL's query shows.
    String inUrl = "Url-pw-0d2e";
    try (ProbeRunner r = probe(db.url("") + "?user=poolscope&password=" + inUrl, null, null)) {
      ProbeResult res = await(r, p -> "failed".equals(p.status()));
      assertThat(res.error()).contains("Access denied").doesNotContain(inUrl);
    }
  }

  @Test
  void collectorShowsMariaDbLimitAndActualInTheDatabaseView() throws Exception {
    String id = "mariadb_127.0.0.1_" + db.port() + "_payments";
    CollectorConfig config =
        CollectorConfig.builder()
            .host("127.0.0.1")
            .port(0)
            .probeInterval(Duration.ofMillis(200))
            .probeTimeout(Duration.ofSeconds(2))
            .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
            .databases(
                List.of(
                    CollectorConfig.Database.withProbe(
                        // No database in the URL: PROCESS alone grants access to none.
                        id, db.url(""), "poolscope", MONITOR_PASSWORD)))
            .build();
    for (int i = 0; i < 4; i++) {
      client("app");
    }
    try (Collector collector = Collector.start(config)) {
      Http http = new Http(collector);
      Http.await(
          Duration.ofSeconds(30),
          () -> PostgresProbeTest.database(http, id).path("actual").asInt(-1) == 4,
          () -> PostgresProbeTest.database(http, id).toString());
      JsonNode budget = PostgresProbeTest.database(http, id);
      assertThat(budget.get("probe").get("status").asText()).isEqualTo("ok");
      assertThat(budget.get("limitSource").asText()).isEqualTo("probe");
      assertThat(budget.get("maxConnections").asInt()).isEqualTo(MAX_CONNECTIONS);
      assertThat(budget.get("reserved").asInt()).isZero();
      assertThat(budget.get("usable").asInt()).isEqualTo(MAX_CONNECTIONS);
      // No pod reports this database: every client is unattributed.
      assertThat(budget.get("unattributed").asInt()).isEqualTo(4);
      JsonNode clients = http.json("/api/databases/" + id).get("clients");
      assertThat(clients).hasSize(1);
      assertThat(clients.get(0).get("user").asText()).isEqualTo("app");
      assertThat(clients.get(0).get("applicationName").isNull()).isTrue();
      assertThat(clients.get(0).get("clientAddr").asText()).isEqualTo("127.0.0.1");
      assertThat(clients.get(0).get("count").asInt()).isEqualTo(4);
    }
  }

  /**
   * The server budget of a MariaDB server reached as 127.0.0.1 and as localhost: open summed over
   * both agents' targets, actual the server's count, per-account rows with {@code
   * max_user_connections} (the account's own, else the global one), the agentless session
   * unattributed.
   */
  @Test
  void collectorShowsTheMariaDbServerWithItsAccounts() throws Exception {
    try (Connection c = db.root();
        Statement s = c.createStatement()) {
      s.execute("grant select on payments.* to capped@'127.0.0.1'");
    }
    for (String user : List.of("capped", "capped", "app", "batch")) {
      client(user).setCatalog("payments");
    }
    CollectorConfig config =
        CollectorConfig.builder()
            .host("127.0.0.1")
            .port(0)
            .probeInterval(Duration.ofMillis(200))
            .probeTimeout(Duration.ofSeconds(2))
            .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
            .servers(
                List.of(
                    CollectorConfig.Server.withProbe(
                        "maria", db.url(""), "auditor", MONITOR_PASSWORD)))
            .build();
    try (Collector collector = Collector.start(config)) {
      Http http = new Http(collector);
      String port = Integer.toString(db.port());
      Otlp.Pod capped = Otlp.pod("ledger", "ledger-1");
      capped.pool("mariadb://127.0.0.1:" + port + "/payments", "main", 2, 0, 5, 0);
      capped.metrics.add(
          Otlp.gauge(
              "poolscope.connection.open",
              2,
              Otlp.with(
                  Otlp.target("mariadb://127.0.0.1:" + port + "/payments"), "db.user", "capped")));
      Otlp.Pod app = Otlp.pod("shop", "shop-1");
      app.pool("mariadb://localhost:" + port + "/payments", "main", 1, 0, 5, 0);
      app.metrics.add(
          Otlp.gauge(
              "poolscope.connection.open",
              1,
              Otlp.with(
                  Otlp.target("mariadb://localhost:" + port + "/payments"), "db.user", "app")));
      assertThat(http.postProto("/v1/metrics", Otlp.request(capped, app)).statusCode())
          .isEqualTo(200);
      Http.await(
          Duration.ofSeconds(30),
          () -> {
            JsonNode s = ServerBudgetTest.server(http, "maria");
            return s != null && s.path("actual").asInt() == 4 && s.path("open").asInt() == 3;
          },
          () -> http.json("/api/servers").toString());
      JsonNode all = http.json("/api/servers");
      assertThat(all).as(all.toString()).hasSize(1);
      JsonNode s = all.get(0);
      assertThat(s.path("targets")).hasSize(2);
      assertThat(s.path("identity").asText()).startsWith("mariadb:").endsWith(":" + port);
      assertThat(s.path("usable").asInt()).isEqualTo(MAX_CONNECTIONS);
      assertThat(s.path("unattributed").asInt()).as("the batch session").isEqualTo(1);
      JsonNode payments = ServerBudgetTest.row(s, "databases", "payments");
      assertThat(payments.path("open").asInt()).isEqualTo(3);
      assertThat(payments.path("actual").asInt()).isEqualTo(4);
      JsonNode cappedRow = ServerBudgetTest.row(s, "roles", "capped");
      assertThat(cappedRow.path("open").asInt()).isEqualTo(2);
      assertThat(cappedRow.path("actual").asInt()).isEqualTo(2);
      assertThat(cappedRow.path("limit").asInt()).as("its own max_user_connections").isEqualTo(2);
      assertThat(cappedRow.path("utilization").asDouble()).isEqualTo(1.0);
      assertThat(cappedRow.path("state").asText()).isEqualTo("critical");
      JsonNode appRow = ServerBudgetTest.row(s, "roles", "app");
      assertThat(appRow.path("limit").asInt()).as("the global one").isEqualTo(MAX_USER_CONNECTIONS);
      assertThat(appRow.path("open").asInt()).isEqualTo(1);
      assertThat(ServerBudgetTest.row(s, "roles", "batch").path("open").asInt()).isZero();
    }
  }
}
