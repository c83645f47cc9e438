package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
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
 * One collector as a child JVM on its H2 file store, killed with SIGKILL while an alert fires and
 * started again: it does not page again, and it tells and records the resolve.
 */
class AlertStateRestartTest {
  static final String DB = "127.0.0.1:5432/orders";
  static final long FOR_MILLIS = 2_000;

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
  void aCollectorKilledWhileAnAlertFiresNeitherRepagesNorLosesTheResolve() throws Exception {
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
            "  - name: restart",
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
            "  url: jdbc:h2:file:" + dir.resolve("store"),
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
    AtomicInteger used = new AtomicInteger(5);
    AtomicInteger port = new AtomicInteger(first.port);
    ScheduledExecutorService agent = Executors.newSingleThreadScheduledExecutor();
    open.add(agent::shutdownNow);
    agent.scheduleAtFixedRate(
        () ->
            post(
                port.get(),
                "/v1/metrics",
                Otlp.pod("orders", "orders-1")
                    .pool(DB, "orders-pool", used.get(), 1, 10, 0)
                    .open(DB, 6)
                    .request()
                    .toByteArray()),
        0,
        500,
        TimeUnit.MILLISECONDS);
    Http.await(Duration.ofSeconds(30), () -> !received.isEmpty(), received::toString);
    assertThat(received.get(0).body()).contains("\"firing\"");
    JsonNode firing = get(first.port, "/api/alerts").get("active").get(0);
    long firedAt = firing.get("firedAt").asLong();
    first.kill();

    ChildCollector second = ChildCollector.start(config);
    open.add(second);
    port.set(second.port);
    // The restarted collector continues the firing alert (same firing time), evaluated anew.
    Http.await(
        Duration.ofSeconds(30),
        () -> {
          JsonNode a = get(second.port, "/api/alerts").get("active");
          return a.size() == 1
              && a.get(0).get("firedAt").asLong() == firedAt
              && a.get(0).get("value").asDouble() == 5.0;
        },
        () -> get(second.port, "/api/alerts").toString());
    used.set(0);
    Http.await(Duration.ofSeconds(30), () -> received.size() >= 2, received::toString);
    assertThat(received.get(1).body()).contains("\"resolved\"");
    Http.await(
        Duration.ofSeconds(30),
        () ->
            get(second.port, "/api/alerts")
                .get("history")
                .get(0)
                .get("event")
                .asText()
                .equals("resolved"),
        () -> get(second.port, "/api/alerts").toString());
    assertThat(received).as("no re-page after the restart").hasSize(2);
  }
}
