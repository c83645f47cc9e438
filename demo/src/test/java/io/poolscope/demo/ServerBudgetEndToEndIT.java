package io.poolscope.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.poolscope.alerts.Rule;
import io.poolscope.alerts.RuleSet;
import io.poolscope.collector.Collector;
import io.poolscope.collector.CollectorConfig;
import io.poolscope.demo.internal.ChildProcesses;
import io.poolscope.demo.internal.Poll;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server is the unit of the budget, end to end: one real embedded PostgreSQL server with two
 * databases ({@code payments}, {@code shop}) and two roles ({@code app_a} with {@code CONNECTION
 * LIMIT 5}, {@code app_b}); two application JVMs with the real agent and a real HikariCP pool
 * ({@link ServerBudgetApp}), one per database and role, reaching the server as {@code 127.0.0.1}
 * and as {@code localhost}; and a {@code /usr/bin/psql} session, which has no agent. A real
 * collector probes the server every 100 ms and evaluates the default {@code
 * PoolscopeRoleBudgetHigh} rule, its {@code for: 1m} shortened to 0 s so the test need not wait a
 * minute of real time.
 */
class ServerBudgetEndToEndIT {
  static final Duration WAIT = Duration.ofSeconds(90);
  static final Duration POLL = Duration.ofMillis(100);
  static final ObjectMapper JSON = new ObjectMapper();
  static final String PSQL = "/usr/bin/psql";
  static EmbeddedPostgres pg;

  @TempDir Path dir;

  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = EmbeddedPostgres.builder().setServerConfig("max_connections", "20").start();
    try (Connection c = connect("postgres");
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

  static Connection connect(String database) throws Exception {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + database, "postgres", "");
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void serverRowsMatchTheServerAndTheRoleLimitRefuses() throws Exception {
    assertThat(Path.of(PSQL)).as("the psql client, the session without an agent").isExecutable();
    Path agentJar =
        Path.of(System.getProperty("poolscope.agent.jar", "../agent/target/poolscope-agent.jar"));
    assertThat(agentJar).as("the real agent jar, built by the agent module").isRegularFile();
    int port = pg.getPort();
    try (Collector collector = Collector.start(config(port));
        ChildProcesses children = new ChildProcesses()) {
      String api = "http://127.0.0.1:" + collector.port();
      ChildProcesses.Child payments =
          app(children, agentJar, api, "payments", "127.0.0.1", port, "app_a");
      ChildProcesses.Child shop = app(children, agentJar, api, "shop", "localhost", port, "app_b");
      ChildProcesses.Child psql =
          children.start(
              "psql",
              List.of(PSQL, "-X", "-h", "127.0.0.1", "-p", "" + port, "-U", "postgres", "shop"),
              Map.of(),
              dir.resolve("psql.log"));
      send(payments, "hold 3");
      send(shop, "hold 2");
      awaitLine(payments, "HELD 3");
      awaitLine(shop, "HELD 2");
      // psql reads its commands from the pipe: this one proves the session is open.
      send(psql, "select 'psql-' || 'connected';");
      awaitLine(psql, "psql-connected");

      // Both agents' pools are counted and the probe saw the six sessions.
      JsonNode s =
          Poll.until(
              "the server's figures; logs in " + dir,
              WAIT,
              POLL,
              () -> get(api + "/api/servers/pg"),
              x -> x.path("open").asInt() == 5 && x.path("actual").asInt() == 6);
      int clientBackends = clientBackends();
      assertThat(clientBackends).as("pg_stat_activity's client backends").isEqualTo(6);
      s =
          Poll.until(
              "the probe after the test's own session closed",
              WAIT,
              POLL,
              () -> get(api + "/api/servers/pg"),
              x -> x.path("actual").asInt() == clientBackends);
      assertThat(s.path("targets")).as("127.0.0.1 and localhost are one server").hasSize(2);
      assertThat(s.path("open").asLong())
          .as("open is the sum over the server's databases")
          .isEqualTo(
              row(s, "databases", "payments").path("open").asLong()
                  + row(s, "databases", "shop").path("open").asLong())
          .isEqualTo(5);
      assertThat(s.path("unattributed").asInt()).as("the psql session alone").isEqualTo(1);
      assertThat(row(s, "databases", "shop").path("actual").asInt()).isEqualTo(3);
      assertThat(row(s, "databases", "payments").path("actual").asInt()).isEqualTo(3);
      JsonNode appA = row(s, "roles", "app_a");
      assertThat(appA.path("open").asInt()).isEqualTo(3);
      assertThat(appA.path("actual").asInt()).isEqualTo(3);
      assertThat(appA.path("limit").asInt()).isEqualTo(5);
      assertThat(appA.path("utilization").asDouble()).isEqualTo(0.6);
      assertThat(row(s, "roles", "app_b").path("open").asInt()).isEqualTo(2);
      assertThat(row(s, "roles", "app_b").path("limit").isNull()).isTrue();
      assertThat(roleAlert(api, "app_a")).isNull();

      // Two more of app_a: 5 / 5. The role's alert fires while the server is at 8 of 17.
      send(payments, "hold 2");
      awaitLine(payments, "HELD 5");
      JsonNode alert =
          Poll.until(
              "the role alert for app_a",
              WAIT,
              POLL,
              () -> roleAlert(api, "app_a"),
              a -> a != null && "firing".equals(a.path("state").asText()));
      assertThat(alert.path("labels").path("server").asText()).isEqualTo("pg");
      assertThat(alert.path("value").asDouble()).isEqualTo(1.0);
      s = get(api + "/api/servers/pg");
      assertThat(s.path("utilization").asDouble()).isLessThan(0.8);
      assertThat(row(s, "roles", "app_a").path("actual").asInt()).isEqualTo(5);
      assertThat(s.path("refusedByLimit").size()).as("nothing refused yet").isZero();

      // The sixth is refused by the role's limit, and the collector says which limit it was.
      send(payments, "hold 1");
      String refused = awaitLine(payments, "REFUSED");
      assertThat(refused).contains("53300").contains("too many connections for role \"app_a\"");
      s =
          Poll.until(
              "the refusal attributed",
              WAIT,
              POLL,
              () -> get(api + "/api/servers/pg"),
              x -> x.path("refusedByLimit").path("role").asDouble() >= 1);
      assertThat(s.path("refusedByLimit").size()).as(s.toString()).isEqualTo(1);
      assertThat(text(api + "/metrics"))
          .containsPattern(
              "poolscope_server_connections_refused_total\\{server=\"pg\",limit=\"role\",\\} [1-9]");
      payments.process().getOutputStream().close();
      shop.process().getOutputStream().close();
      psql.process().getOutputStream().close();
    }
  }

  /** One server with its probe; {@code pg.internal.example} is an alias no DNS knows. */
  CollectorConfig config(int port) throws IOException {
    return CollectorConfig.builder()
        .host("127.0.0.1")
        .port(0)
        .exportInterval(Duration.ofMillis(250))
        .probeInterval(Duration.ofMillis(100))
        .storeUrl("jdbc:h2:file:" + dir.resolve("store").toAbsolutePath())
        .alertRules(roleRule(dir))
        .servers(
            List.of(
                CollectorConfig.Server.withProbe(
                    "pg",
                    "jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                    "postgres",
                    null,
                    "pg.internal.example:" + port)))
        .build();
  }

  ChildProcesses.Child app(
      ChildProcesses children,
      Path agentJar,
      String endpoint,
      String database,
      String host,
      int port,
      String user)
      throws Exception {
    String testClasses =
        Path.of(ServerBudgetApp.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    String demoClasspath =
        System.getProperty("poolscope.demo.classpath", "target/poolscope-demo.jar");
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx96m",
            "-XX:TieredStopAtLevel=1",
            "-javaagent:"
                + agentJar.toAbsolutePath()
                + "=endpoint="
                + endpoint
                + ",service="
                + database
                + ",interval=250ms",
            "-cp",
            demoClasspath + java.io.File.pathSeparator + testClasses,
            ServerBudgetApp.class.getName(),
            "jdbc:postgresql://" + host + ":" + port + "/" + database,
            user,
            database + "-pool");
    ChildProcesses.Child c =
        children.start(database, command, Map.of(), dir.resolve(database + ".log"));
    awaitLine(c, "READY");
    return c;
  }

  static void send(ChildProcesses.Child c, String line) throws IOException {
    OutputStream in = c.process().getOutputStream();
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  /** The first line of the child's log that starts with {@code prefix}, waiting for it. */
  static String awaitLine(ChildProcesses.Child c, String prefix) throws Exception {
    return Poll.until(
        c.name() + " to print " + prefix + " (log " + c.log() + ")",
        WAIT,
        POLL,
        () -> {
          if (!c.process().isAlive()) {
            throw new Poll.Abort(c.name() + " exited: " + Files.readString(c.log()));
          }
          return Files.readAllLines(c.log()).stream()
              .map(String::trim)
              .filter(l -> l.startsWith(prefix))
              .findFirst()
              .orElse(null);
        },
        l -> l != null);
  }

  /** Client backends in pg_stat_activity, this query's own session and the probe's left out. */
  static int clientBackends() throws Exception {
    try (Connection c = connect("postgres");
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "select count(*) from pg_stat_activity where backend_type = 'client backend'"
                    + " and pid <> pg_backend_pid() and application_name <> 'poolscope-probe'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  static JsonNode row(JsonNode server, String kind, String name) {
    for (JsonNode r : server.path(kind)) {
      if (r.path("name").asText().equals(name)) {
        return r;
      }
    }
    throw new AssertionError("no " + kind + " row " + name + " in " + server);
  }

  JsonNode roleAlert(String api, String role) throws Exception {
    for (JsonNode a : get(api + "/api/alerts").path("active")) {
      if ("PoolscopeRoleBudgetHigh".equals(a.path("rule").asText())
          && role.equals(a.path("labels").path("role").asText())) {
        return a;
      }
    }
    return null;
  }

  JsonNode get(String url) throws Exception {
    return JSON.readTree(text(url));
  }

  String text(String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + url + " -> " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  /** The default role rule with {@code for: 0s}, in a rule file the collector loads. */
  static Path roleRule(Path dir) throws IOException {
    List<Rule> rules = new ArrayList<>();
    for (Rule r : RuleSet.defaults().rules()) {
      if (r.name().equals("PoolscopeRoleBudgetHigh")) {
        rules.add(new Rule(r.name(), r.expr(), Duration.ZERO, r.labels(), r.annotations()));
      }
    }
    assertThat(rules).hasSize(1);
    Path file = dir.resolve("rules.yaml");
    Files.writeString(file, new RuleSet(rules, "role rule").toPrometheusRuleFile());
    return file;
  }
}
