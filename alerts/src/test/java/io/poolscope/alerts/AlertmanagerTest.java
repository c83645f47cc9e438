package io.poolscope.alerts;

import static io.poolscope.alerts.Samples.s;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Alertmanager (Debian package prometheus-alertmanager) receives a Poolscope alert on
 * {@code POST /api/v2/alerts}, lists it on {@code GET /api/v2/alerts}, and drops it on resolve.
 */
class AlertmanagerTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void alertmanagerListsAPoolscopeAlertAndForgetsItOnResolve(@TempDir Path dir) throws Exception {
    Path binary = Binaries.require("prometheus-alertmanager", "prometheus-alertmanager");
    Files.writeString(
        dir.resolve("am.yml"), "route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n");
    int port = freePort();
    Process am =
        new ProcessBuilder(
                binary.toString(),
                "--config.file=" + dir.resolve("am.yml"),
                "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=", // no gossip port: one instance, nothing else bound
                "--log.level=warn")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("am.log").toFile())
            .start();
    String base = "http://127.0.0.1:" + port;
    try (AlertEngine engine =
        AlertEngine.builder()
            .target(
                NotifierTarget.builder("am", "alertmanager")
                    .url(base)
                    .backoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                    .maxAttempts(20)
                    .build())
            .externalUrl("http://poolscope.example:4318/")
            .build()) {
      Await.until(
          "alertmanager ready (log: " + dir.resolve("am.log") + ")",
          WAIT,
          () -> am.isAlive() && status(base + "/-/ready") == 200);

      long now = System.currentTimeMillis();
      engine.evaluate(
          List.of(
              s(
                  "poolscope_connection_leaks_recent",
                  1,
                  now,
                  "db",
                  "pg1",
                  "service",
                  "payments",
                  "pool",
                  "HikariPool-1",
                  "state",
                  "suspected",
                  "call_site",
                  "com.acme.OrderDao.find(OrderDao.java:42)")),
          now);
      Await.until("alert listed by alertmanager", WAIT, () -> listed(base).size() == 1);
      JsonNode a = listed(base).get(0);
      // A second call site joins: both posted as individual alerts, and both listed.
      engine.evaluate(
          List.of(
              leak(now + 1, "com.acme.OrderDao.find(OrderDao.java:42)"),
              leak(now + 1, "com.acme.Report.run(Report.java:7)")),
          now + 1);
      Await.until("two alerts listed", WAIT, () -> listed(base).size() == 2);
      assertThat(a.get("labels").get("alertname").asText()).isEqualTo("PoolscopeConnectionLeak");
      assertThat(a.get("labels").get("severity").asText()).isEqualTo("critical");
      assertThat(a.get("labels").get("call_site").asText())
          .isEqualTo("com.acme.OrderDao.find(OrderDao.java:42)");
      assertThat(a.get("annotations").get("summary").asText())
          .isEqualTo(
              "Connection leak in payments pool HikariPool-1 at"
                  + " com.acme.OrderDao.find(OrderDao.java:42)");
      assertThat(a.get("status").get("state").asText()).isEqualTo("active");
      assertThat(Instant.parse(a.get("startsAt").asText()).toEpochMilli()).isEqualTo(now);
      assertThat(Instant.parse(a.get("endsAt").asText()))
          .isAfter(Instant.ofEpochMilli(now + Duration.ofMinutes(3).toMillis()));
      assertThat(a.get("generatorURL").asText()).isEqualTo("http://poolscope.example:4318/");

      engine.evaluate(List.of(), now + 2);
      Await.until("both resolved in alertmanager", WAIT, () -> listed(base).isEmpty());
    } finally {
      am.destroy();
      if (!am.waitFor(10, TimeUnit.SECONDS)) {
        am.destroyForcibly();
      }
    }
  }

  private static Sample leak(long t, String callSite) {
    return s(
        "poolscope_connection_leaks_recent",
        1,
        t,
        "db",
        "pg1",
        "service",
        "payments",
        "pool",
        "HikariPool-1",
        "state",
        "suspected",
        "call_site",
        callSite);
  }

  private List<JsonNode> listed(String base) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/api/v2/alerts")).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode list = Receiver.JSON.readTree(r.body());
      List<JsonNode> out = new java.util.ArrayList<>();
      list.forEach(out::add);
      return out;
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private int status(String url) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(url)).GET().build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return 0; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
