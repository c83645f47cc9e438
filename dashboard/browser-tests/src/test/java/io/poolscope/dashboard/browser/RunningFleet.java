package io.poolscope.dashboard.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.poolscope.collector.Collector;
import io.poolscope.collector.CollectorConfig;
import io.poolscope.dashboard.browser.SimulatedFleet.Db;
import io.poolscope.dashboard.browser.SimulatedFleet.Pod;
import io.poolscope.dashboard.browser.SimulatedFleet.Pool;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A real collector, in-process on port 0, and a simulated fleet reporting to it every second as
 * agents do. The fleet: two services on one PostgreSQL database with a configured limit (one pod
 * with a second pool whose name is an XSS attempt), and one service on a MySQL database whose limit
 * nobody told the collector.
 */
final class RunningFleet implements AutoCloseable {

  static final Duration INTERVAL = Duration.ofSeconds(3);
  static final String XSS = "<img src=x onerror=alert(1)>";

  static final Db PAYMENTS = new Db("postgresql", "db-payments", 5432, "payments");
  static final Db REPORTS = new Db("mysql", "db-reports", 3306, "reports");

  final SimulatedFleet fleet = new SimulatedFleet();
  final Pod checkoutA;
  final Pool checkoutAPool;
  final Pod ledgerA;
  final Pool xssPool;

  private final Path store;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final ScheduledExecutorService reporter =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "simulated-agents");
            t.setDaemon(true);
            return t;
          });
  private volatile Collector collector;
  private volatile int port;

  RunningFleet() throws IOException, InterruptedException {
    checkoutAPool = new Pool("HikariPool-1", "HikariDataSource", PAYMENTS, 7, 3, 10);
    checkoutA = fleet.pod("checkout", "checkout-7d9f-abc", "1.5.0", checkoutAPool);
    fleet.pod(
        "checkout",
        "checkout-7d9f-def",
        "1.5.0",
        new Pool("HikariPool-1", "HikariDataSource", PAYMENTS, 6, 4, 10));
    fleet.pod(
        "checkout",
        "checkout-7d9f-ghi",
        "1.5.0",
        new Pool("HikariPool-1", "HikariDataSource", PAYMENTS, 5, 5, 10));
    xssPool = new Pool(XSS, "BasicDataSource", PAYMENTS, 3, 6, 15);
    ledgerA =
        fleet.pod(
            "ledger",
            "ledger-5c4-xyz",
            "2.3.1",
            new Pool("ledger-main", "HikariDataSource", PAYMENTS, 6, 4, 15),
            xssPool);
    fleet.pod(
        "ledger",
        "ledger-5c4-qrs",
        "2.3.1",
        new Pool("ledger-main", "HikariDataSource", PAYMENTS, 2, 2, 15));
    fleet.pod(
        "reports",
        "reports-0",
        "0.9.0",
        new Pool("reports-pool", "HikariDataSource", REPORTS, 1, 4, 20));
    checkoutAPool.pending = 2;
    checkoutAPool.leaksSuspected = 1;
    checkoutAPool.waitBucket = 6;
    store = Files.createTempDirectory("poolscope-dashboard-store-");
    start(0);
    fleet.report(baseUrl());
    reporter.scheduleAtFixedRate(this::reportQuietly, 1, 1, TimeUnit.SECONDS);
  }

  /** Starts (or restarts, on the same port) the collector. */
  void start(int onPort) {
    collector =
        Collector.start(
            CollectorConfig.builder()
                .host("127.0.0.1")
                .port(onPort)
                .exportInterval(INTERVAL)
                .historyStep(Duration.ofSeconds(1))
                .storeUrl("jdbc:h2:file:" + store.resolve("poolscope"))
                .databases(
                    List.of(new CollectorConfig.Database(PAYMENTS.id(), 60, 3, null, null, null)))
                .services(List.of(new CollectorConfig.Service("checkout", 6)))
                .build());
    port = collector.port();
  }

  void stopCollector() {
    collector.close();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  private synchronized void reportQuietly() {
    try {
      fleet.report(baseUrl());
    } catch (Exception e) {
      // The collector is down on purpose in the unreachable test; agents keep trying too.
    }
  }

  /** Reports now rather than at the next tick, so a test knows when the change left. */
  synchronized void reportNow() throws IOException, InterruptedException {
    fleet.report(baseUrl());
  }

  JsonNode api(String path) throws IOException, InterruptedException {
    HttpResponse<String> res =
        http.send(
            HttpRequest.newBuilder(URI.create(baseUrl() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() != 200) {
      throw new IllegalStateException(
          "GET " + path + " -> " + res.statusCode() + ": " + res.body());
    }
    return json.readTree(res.body());
  }

  /** The overview entry of one database. */
  JsonNode database(Db db) throws IOException, InterruptedException {
    for (JsonNode d : api("/api/overview").get("databases")) {
      if (d.get("id").asText().equals(db.id())) {
        return d;
      }
    }
    throw new AssertionError("collector reports no database " + db.id());
  }

  @Override
  public void close() throws IOException {
    reporter.shutdownNow();
    if (collector != null) {
      collector.close();
    }
    try (var files = Files.walk(store)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
