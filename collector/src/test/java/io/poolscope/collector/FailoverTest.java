package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two collectors as child JVMs on one embedded PostgreSQL; the elected one is killed with SIGKILL
 * while an alert is pending: the other takes over, fires it at its {@code for:} (counted from the
 * first replica's start of pending), and the webhook gets one firing and one resolve.
 */
class FailoverTest {
  static final String DB = "127.0.0.1:5432/orders";
  static final long FOR_MILLIS = 8_000;

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();
  private final HttpClient client = HttpClient.newHttpClient();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  record Hook(long millis, String body) {}

  private int post(int port, String path, byte[] body) {
    try {
      return client
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .header("Content-Type", "application/x-protobuf")
                  .timeout(Duration.ofSeconds(5))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1; // a killed replica: the agent retries elsewhere
    }
  }

  private JsonNode get(int port, String path) {
    try {
      return Http.parse(
          client
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                  HttpResponse.BodyHandlers.ofByteArray())
              .body());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void killingTheLeaderDuringAnIncidentNeitherRepagesNorLosesTheAlert() throws Exception {
    EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
    open.add(pg);
    List<Hook> received = new CopyOnWriteArrayList<>();
    HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhook.createContext(
        "/hook",
        ex -> {
          received.add(
              new Hook(
                  System.currentTimeMillis(),
                  new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    webhook.start();
    open.add(() -> webhook.stop(0));
    Path rules = dir.resolve("rules.yml");
    Files.writeString(
        rules,
        String.join(
            "\n",
            "groups:",
            "  - name: failover",
            "    rules:",
            "      - alert: UsedHigh",
            "        expr: sum by (service) (poolscope_pool_connections_used) > 4",
            "        for: " + (FOR_MILLIS / 1000) + "s",
            ""));
    Path config = dir.resolve("collector.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "server:",
            "  host: 127.0.0.1",
            "  port: 0",
            "fleet:",
            "  exportInterval: 1s",
            "store:",
            "  url: " + pg.getJdbcUrl("postgres", "postgres"),
            "  user: postgres",
            "alerts:",
            "  rules: " + rules,
            "  notifiers:",
            "    - name: hook",
            "      type: webhook",
            "      url: http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook",
            "      groupWait: 0s",
            "      groupInterval: 1s",
            ""));
    ChildCollector first = ChildCollector.start(config);
    open.add(first);
    Http.await(
        Duration.ofSeconds(30),
        () -> "leader".equals(get(first.port, "/api/health").get("leader").asText()),
        () -> get(first.port, "/api/health").toString());
    ChildCollector second = ChildCollector.start(config);
    open.add(second);

    // The agent sends to whichever replica answers, alternating while both do.
    AtomicInteger used = new AtomicInteger(5);
    AtomicInteger turn = new AtomicInteger();
    ScheduledExecutorService agent = Executors.newSingleThreadScheduledExecutor();
    open.add(agent::shutdownNow);
    agent.scheduleAtFixedRate(
        () -> {
          byte[] body =
              Otlp.pod("orders", "orders-1")
                  .pool(DB, "orders-pool", used.get(), 1, 10, 0)
                  .open(DB, 6)
                  .request()
                  .toByteArray();
          int[] ports = {first.port, second.port};
          int i = turn.getAndIncrement() % 2;
          if (post(ports[i], "/v1/metrics", body) != 200) {
            post(ports[1 - i], "/v1/metrics", body);
          }
        },
        0,
        500,
        TimeUnit.MILLISECONDS);

    byte[] leakBefore =
        Otlp.leak(Otlp.pod("orders", "orders-1"), DB, "orders-pool", "suspected", "a.B(B.java:1)")
            .toByteArray();
    assertThat(post(first.port, "/v1/logs", leakBefore)).isEqualTo(200);
    // The agent's retry of the same event (its answer lost) reaches the other replica.
    assertThat(post(second.port, "/v1/logs", leakBefore)).isEqualTo(200);

    Http.await(
        Duration.ofSeconds(30),
        () -> get(first.port, "/api/alerts").get("active").size() == 1,
        () -> get(first.port, "/api/alerts").toString());
    JsonNode pending = get(first.port, "/api/alerts").get("active").get(0);
    assertThat(pending.get("state").asText()).isEqualTo("pending");
    long activeSince = pending.get("activeSince").asLong();

    first.kill();
    Http.await(
        Duration.ofSeconds(30),
        () -> !received.isEmpty(),
        () -> get(second.port, "/api/health") + " " + get(second.port, "/api/alerts"));
    assertThat(get(second.port, "/api/health").get("leader").asText()).isEqualTo("leader");
    assertThat(received.get(0).body()).contains("UsedHigh").contains("\"firing\"");
    assertThat(received.get(0).millis())
        .as("fired at its for: counted from the first replica's pending")
        .isGreaterThanOrEqualTo(activeSince + FOR_MILLIS);
    JsonNode firing = get(second.port, "/api/alerts").get("active").get(0);
    assertThat(firing.get("activeSince").asLong()).isEqualTo(activeSince);

    byte[] leakAfter =
        Otlp.leak(Otlp.pod("orders", "orders-1"), DB, "orders-pool", "collected", "a.B(B.java:2)")
            .toByteArray();
    assertThat(post(second.port, "/v1/logs", leakAfter)).isEqualTo(200);
    assertThat(post(second.port, "/v1/logs", leakAfter)).isEqualTo(200);

    used.set(0);
    Http.await(Duration.ofSeconds(30), () -> received.size() >= 2, () -> received.toString());
    assertThat(received.get(1).body()).contains("UsedHigh").contains("\"resolved\"");
    Http.await(
        Duration.ofSeconds(10),
        () -> get(second.port, "/api/alerts").get("active").isEmpty(),
        () -> get(second.port, "/api/alerts").toString());
    assertThat(received).as("one firing, one resolve: no re-page").hasSize(2);

    JsonNode leaks = get(second.port, "/api/leaks");
    assertThat(leaks.toString()).contains("a.B(B.java:1)").contains("a.B(B.java:2)");
    assertThat(leaks.size()).as("each leak event stored once").isEqualTo(2);
  }
}
