package io.poolscope.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.poolscope.alerts.Rule;
import io.poolscope.alerts.RuleSet;
import io.poolscope.collector.Collector;
import io.poolscope.collector.CollectorConfig;
import io.poolscope.demo.internal.ChildProcesses;
import io.poolscope.demo.internal.DemoDatabase;
import io.poolscope.demo.internal.Poll;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Passwords planted everywhere a real deployment has them never come out of Poolscope, end to end:
 * an application JVM with the real {@code -javaagent} ({@link PlantedPasswordApp}: a HikariCP pool
 * on PostgreSQL with the password in its URL and properties, a DBCP2 pool on H2 with {@code
 * PASSWORD=} in its URL, a pool whose URL has {@code user:password@}, one leaked connection)
 * exports to the real collector (H2 file store with a password, a probe of the PostgreSQL with the
 * password in its URL and settings, alert rules delivering to a webhook and the log). Every output
 * is then scanned: the collector's log, every read endpoint of API.md, {@code /metrics}, the event
 * stream, the store's files, the webhook payloads, the application's whole output (agent in debug
 * mode) and the raw OTLP bytes the collector received. The scan must also see the data (database
 * target, pool names, the leak's call site) in those outputs, so it cannot pass by being empty.
 */
class PlantedPasswordEndToEndIT {
  static final String URL_PASSWORD = "PlantedUrlPw1x";
  static final String PROPERTY_PASSWORD = "PlantedPropPw2x";
  static final String H2_PASSWORD = "PlantedH2Pw3x";
  static final String USERINFO_PASSWORD = "PlantedInfoPw4x";
  static final String PROBE_URL_PASSWORD = "PlantedProbeUrlPw5x";
  static final String PROBE_PASSWORD = "PlantedProbePw6x";
  static final String STORE_PASSWORD = "PlantedStorePw7x";
  static final List<String> PASSWORDS =
      List.of(
          URL_PASSWORD,
          PROPERTY_PASSWORD,
          H2_PASSWORD,
          USERINFO_PASSWORD,
          PROBE_URL_PASSWORD,
          PROBE_PASSWORD,
          STORE_PASSWORD);

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final Duration POLL = Duration.ofMillis(250);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final java.util.logging.Formatter FORMAT = new java.util.logging.SimpleFormatter();

  @TempDir Path dir;

  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void plantedPasswordsAreInNoOutputOfAgentOrCollector() throws Exception {
    Path agentJar =
        Path.of(System.getProperty("poolscope.agent.jar", "../agent/target/poolscope-agent.jar"));
    assertThat(agentJar).as("the real agent jar, built by the agent module").isRegularFile();
    assertThat(System.getProperty("org.slf4j.simpleLogger.logFile"))
        .as(
            "the collector logs to standard error in this JVM (a demo run before it in the same JVM"
                + " sends slf4j-simple to its own file; failsafe forks one JVM per test class)")
        .isNull();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Map<String, String> outputs = new LinkedHashMap<>();
    PrintStream out = System.out;
    PrintStream err = System.err;
    Handler julCapture = capture(log);
    Logger root = Logger.getLogger("");
    System.setOut(new PrintStream(tee(out, log), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(tee(err, log), true, StandardCharsets.UTF_8));
    root.addHandler(julCapture);
    Recorder webhook = Recorder.start(null);
    Path storeDir = dir.resolve("store");
    int pgPort = freePort();
    try (DemoDatabase database = DemoDatabase.start(dir.resolve("postgres"), pgPort, 40);
        ChildProcesses children = new ChildProcesses()) {
      String db = "postgresql_127.0.0.1_" + pgPort + "_" + DemoDatabase.DATABASE;
      Collector collector = Collector.start(config(db, pgPort, storeDir, webhook.url("/hook")));
      Recorder otlp = Recorder.start("http://127.0.0.1:" + collector.port());
      String api = "http://127.0.0.1:" + collector.port();
      Path appLog = dir.resolve("app.log");
      try {
        children.start(
            "planted-app",
            appCommand(agentJar, otlp.url("")),
            Map.of(
                "PLANTED_PG_PORT", Integer.toString(pgPort),
                "PLANTED_PG_DATABASE", DemoDatabase.DATABASE,
                "PLANTED_URL_PASSWORD", URL_PASSWORD,
                "PLANTED_PROPERTY_PASSWORD", PROPERTY_PASSWORD,
                "PLANTED_H2_PASSWORD", H2_PASSWORD,
                "PLANTED_USERINFO_PASSWORD", USERINFO_PASSWORD,
                "POD_NAME", "planted-app-1"),
            appLog);

        // Everything has flowed: the leak with its call site, the failing user-info pool, the
        // probe's view, an alert delivered to the webhook.
        JsonNode leak =
            Poll.until(
                "a suspected leak at PlantedPasswordApp.leakOrder",
                WAIT,
                POLL,
                () -> {
                  for (JsonNode e : get(api, "/api/leaks?limit=1000")) {
                    if (e.path("callSite").asText().contains("PlantedPasswordApp.leakOrder(")) {
                      return e;
                    }
                  }
                  return null;
                },
                e -> e != null);
        assertThat(leak.path("pool").asText()).isEqualTo("orders-pool");
        assertThat(leak.path("db").asText()).isEqualTo(db);
        Poll.until(
            "the user-info pool to report failed borrows",
            WAIT,
            POLL,
            () -> pool(get(api, "/api/services/planted"), "userinfo-pool"),
            p -> p != null && p.path("timeouts").asDouble() > 0);
        Poll.until(
            "the probe to read PostgreSQL and see the application's connections",
            WAIT,
            POLL,
            () -> get(api, "/api/databases/" + db),
            d ->
                "ok".equals(d.path("database").path("probe").path("status").asText())
                    && d.path("clients").toString().contains("planted-orders"));
        Poll.until(
            "the leak alert and the busy-pool alert delivered to the webhook",
            WAIT,
            POLL,
            () -> String.join("\n", webhook.texts()),
            text -> text.contains("PlantedLeak") && text.contains("PlantedPoolBusy"));
        Poll.until(
            "a history point of the database",
            WAIT,
            POLL,
            () -> get(api, "/api/history?db=" + db),
            h -> h.path("series").toString().contains("[["));

        // Every read endpoint of API.md, for every database, service and pod there is.
        List<String> paths = new ArrayList<>();
        paths.add("/api/overview");
        paths.add("/api/services");
        paths.add("/api/leaks?limit=1000");
        paths.add("/api/alerts");
        paths.add("/api/rules/prometheus");
        paths.add("/api/health");
        paths.add("/metrics");
        for (JsonNode d : get(api, "/api/overview").path("databases")) {
          String id = enc(d.path("id").asText());
          paths.add("/api/databases/" + id);
          paths.add("/api/leaks?limit=1000&db=" + id);
          paths.add("/api/history?db=" + id);
        }
        for (JsonNode s : get(api, "/api/services")) {
          paths.add("/api/services/" + enc(s.path("name").asText()));
          paths.add("/api/leaks?limit=1000&service=" + enc(s.path("name").asText()));
          for (JsonNode p : s.path("pods")) {
            paths.add("/api/pods/" + enc(p.path("instanceId").asText()));
          }
        }
        for (String path : paths) {
          HttpResponse<String> r = send(api + path);
          assertThat(r.statusCode()).as(path).isEqualTo(200);
          outputs.put("GET " + path, r.body());
        }
        outputs.put("event stream", firstEvent(api));
      } finally {
        children.close();
        collector.close();
        otlp.close();
      }
      for (Recorder.Request r : otlp.requests) {
        outputs.put("OTLP " + r.path() + " #" + outputs.size(), latin1(r.body()));
      }
      outputs.put("agent and application output", Files.readString(appLog));
    } finally {
      root.removeHandler(julCapture);
      System.setOut(out);
      System.setErr(err);
      webhook.close();
    }
    for (Recorder.Request r : webhook.requests) {
      outputs.put("webhook #" + outputs.size(), latin1(r.body()));
    }
    outputs.put("collector log", log.toString(StandardCharsets.UTF_8));
    try (Stream<Path> files = Files.walk(storeDir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        outputs.put("store file " + f.getFileName(), latin1(Files.readAllBytes(f)));
      }
    }

    // What was scanned, for the record.
    outputs.forEach((k, v) -> System.out.println("scanned " + v.length() + " chars: " + k));

    // No password anywhere.
    for (Map.Entry<String, String> o : outputs.entrySet()) {
      for (String password : PASSWORDS) {
        int at = o.getValue().indexOf(password);
        assertThat(at)
            .as(
                "%s contains %s: ...%s...",
                o.getKey(),
                password,
                at < 0
                    ? ""
                    : o.getValue()
                        .substring(
                            Math.max(0, at - 200), Math.min(o.getValue().length(), at + 100)))
            .isEqualTo(-1);
      }
      assertThat(o.getValue()).as(o.getKey()).doesNotContainIgnoringCase("password=");
    }

    // And the scan saw the data: each kind of output is there and names what it must.
    String apiText = join(outputs, "GET ");
    assertThat(apiText)
        .contains("postgresql_127.0.0.1_" + pgPort + "_" + DemoDatabase.DATABASE)
        .contains("\"orders-pool\"")
        .contains("\"userinfo-pool\"")
        .contains("ledger")
        .contains("PlantedPasswordApp.leakOrder(PlantedPasswordApp.java:")
        .contains("planted-orders");
    assertThat(outputs.get("GET /metrics")).contains("pool=\"orders-pool\"");
    assertThat(outputs.get("event stream")).startsWith("event: update");
    String otlpText = join(outputs, "OTLP ");
    assertThat(otlpText)
        .contains("orders-pool")
        .contains("userinfo-pool")
        .contains("poolscope.connection.leak")
        .contains("PlantedPasswordApp.leakOrder");
    assertThat(join(outputs, "webhook ")).contains("PlantedLeak").contains("orders-pool");
    assertThat(outputs.get("agent and application output")).contains("READY").contains("poolscope");
    assertThat(outputs.get("collector log"))
        .contains("Poolscope collector")
        .contains("alert firing PlantedLeak");
    assertThat(join(outputs, "store file ")).contains("orders-pool");
  }

  static CollectorConfig config(String db, int pgPort, Path storeDir, String webhookUrl)
      throws IOException {
    Path rules = storeDir.getParent().resolve("rules.yaml");
    Map<String, String> annotations =
        Map.of(
            "summary",
            "{{ $labels.pool }} of {{ $labels.service }} on {{ $labels.db }}: {{ $value }}",
            "description",
            "pod {{ $labels.pod }}");
    Files.writeString(
        rules,
        new RuleSet(
                List.of(
                    Rule.of(
                        "PlantedLeak",
                        "poolscope_connection_leaks_total{state=\"suspected\"} > 0",
                        "0s",
                        Map.of("severity", "warning"),
                        annotations),
                    Rule.of(
                        "PlantedPoolBusy",
                        "poolscope_pool_connections_used > 0",
                        "0s",
                        Map.of("severity", "warning"),
                        annotations),
                    Rule.of(
                        "PlantedRefused",
                        "poolscope_pool_timeouts_total > 0",
                        "0s",
                        Map.of("severity", "critical"),
                        annotations)),
                "planted")
            .toPrometheusRuleFile());
    return CollectorConfig.builder()
        .host("127.0.0.1")
        .port(0)
        .exportInterval(Duration.ofSeconds(1))
        .probeInterval(Duration.ofSeconds(1))
        .historyStep(Duration.ofSeconds(1))
        .storeUrl("jdbc:h2:file:" + storeDir.resolve("poolscope").toAbsolutePath())
        .storeUser("sa")
        .storePassword(STORE_PASSWORD)
        .alertRules(rules)
        .databases(
            List.of(
                CollectorConfig.Database.withProbe(
                    db,
                    "jdbc:postgresql://127.0.0.1:"
                        + pgPort
                        + "/"
                        + DemoDatabase.DATABASE
                        + "?user=postgres&password="
                        + PROBE_URL_PASSWORD
                        + "&ApplicationName=poolscope-probe",
                    "postgres",
                    PROBE_PASSWORD)))
        .notifiers(
            List.of(
                new CollectorConfig.Notifier("hook", "webhook", webhookUrl, null, null, null),
                new CollectorConfig.Notifier("log", "log", null, null, null, null)))
        .build();
  }

  static List<String> appCommand(Path agentJar, String endpoint) throws Exception {
    return AgentApp.command(
        agentJar,
        "endpoint="
            + endpoint
            + ",service=planted,interval=1s,leakThreshold=1s,leakSampleRate=1,debug=true",
        PlantedPasswordApp.class);
  }

  JsonNode get(String api, String path) throws Exception {
    HttpResponse<String> r = send(api + path);
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + path + " -> " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  HttpResponse<String> send(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The event stream's first event (sent on connect), read raw. */
  String firstEvent(String api) throws Exception {
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(URI.create(api + "/api/events"))
                .timeout(Duration.ofSeconds(10))
                .header("Accept", "text/event-stream")
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) != -1) {
        b.write(c);
        if (b.toString(StandardCharsets.UTF_8).endsWith("\n\n")) {
          break;
        }
      }
      return b.toString(StandardCharsets.UTF_8);
    }
  }

  static JsonNode pool(JsonNode service, String name) {
    for (JsonNode pod : service.path("pods")) {
      for (JsonNode p : pod.path("pools")) {
        if (name.equals(p.path("name").asText())) {
          return p;
        }
      }
    }
    return null;
  }

  static String join(Map<String, String> outputs, String prefix) {
    StringBuilder b = new StringBuilder();
    outputs.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            b.append(v).append('\n');
          }
        });
    assertThat(b).as("outputs named " + prefix + "*").isNotEmpty();
    return b.toString();
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String latin1(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static Handler capture(ByteArrayOutputStream sink) {
    return new Handler() {
      @Override
      public void publish(LogRecord r) {
        String line =
            r.getLoggerName()
                + " "
                + r.getLevel()
                + " "
                + FORMAT.formatMessage(r)
                + (r.getThrown() == null ? "" : " " + r.getThrown())
                + "\n";
        synchronized (sink) {
          sink.writeBytes(line.getBytes(StandardCharsets.UTF_8));
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
  }

  static OutputStream tee(PrintStream original, ByteArrayOutputStream copy) {
    return new OutputStream() {
      @Override
      public void write(int b) {
        synchronized (copy) {
          copy.write(b);
        }
        original.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        synchronized (copy) {
          copy.write(b, off, len);
        }
        original.write(b, off, len);
      }
    };
  }

  /**
   * A loopback HTTP server that records every request body (gzip undone) and either answers 200
   * itself (the webhook receiver) or forwards the request to {@code forwardTo} and relays the
   * answer (between the agent and the collector: the raw OTLP bytes the collector received).
   */
  static final class Recorder implements AutoCloseable {
    record Request(String path, byte[] body) {}

    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final String forwardTo;
    private final HttpClient client = HttpClient.newHttpClient();

    private Recorder(HttpServer server, String forwardTo) {
      this.server = server;
      this.forwardTo = forwardTo;
    }

    static Recorder start(String forwardTo) throws IOException {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      Recorder r = new Recorder(server, forwardTo);
      server.createContext("/", r::handle);
      server.start();
      return r;
    }

    String url(String path) {
      return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<String> texts() {
      return requests.stream().map(r -> latin1(r.body())).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
      try (ex) {
        byte[] raw = ex.getRequestBody().readAllBytes();
        String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
        byte[] body = raw;
        if ("gzip".equalsIgnoreCase(encoding)) {
          try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
            body = in.readAllBytes();
          }
        }
        requests.add(new Request(ex.getRequestURI().getPath(), body));
        int status = 200;
        byte[] answer = new byte[0];
        if (forwardTo != null) {
          HttpRequest.Builder b =
              HttpRequest.newBuilder(URI.create(forwardTo + ex.getRequestURI()))
                  .timeout(Duration.ofSeconds(10))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(raw));
          for (String h : List.of("Content-Type", "Content-Encoding", "Authorization")) {
            String v = ex.getRequestHeaders().getFirst(h);
            if (v != null) {
              b.header(h, v);
            }
          }
          try {
            HttpResponse<byte[]> r =
                client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            status = r.statusCode();
            answer = r.body();
            r.headers()
                .firstValue("Content-Type")
                .ifPresent(v -> ex.getResponseHeaders().add("Content-Type", v));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 503;
          } catch (IOException e) {
            status = 503;
          }
        }
        ex.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
        if (answer.length > 0) {
          ex.getResponseBody().write(answer);
        }
      }
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
