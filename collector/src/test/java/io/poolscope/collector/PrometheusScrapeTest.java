package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Prometheus server (Debian package prometheus) scrapes a started collector's {@code
 * /metrics} and ends up with the figures the collector's own API shows.
 */
class PrometheusScrapeTest {
  static final String PROMETHEUS = "/usr/bin/prometheus";
  static final String DB = "127.0.0.1:5432/scraped";
  static final String ID = "postgresql_127.0.0.1_5432_scraped";
  // Prometheus's start, its first target discovery (up to 5 s) and a scrape, on a loaded machine.
  // Waits for conditions: a healthy run takes a fraction of it.
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;
  final HttpClient client = HttpClient.newHttpClient();

  @Test
  void prometheusScrapesTheOpenConnectionsTheOverviewShows() throws Exception {
    // A missing binary fails here rather than skipping: the exposition is only proven by it.
    assertThat(Path.of(PROMETHEUS)).as("prometheus (Debian package prometheus)").isExecutable();
    try (Collector c =
        Collector.start(
            CollectorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
                .build())) {
      Http http = new Http(c);
      http.postProto(
          "/v1/metrics",
          Otlp.request(
              Otlp.pod("scraped", "scraped-1").pool(DB, "pool", 2, 3, 10, 0).open(DB, 5),
              Otlp.pod("scraped", "scraped-2").pool(DB, "pool", 4, 3, 10, 0).open(DB, 7)));

      // Prometheus applies discovered targets at most every 5 s, so the first scrape comes about
      // 5 s after start: most of this test's time.
      int port = freePort();
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(
          config,
          """
          global:
            scrape_interval: 1s
            evaluation_interval: 1s
          scrape_configs:
            - job_name: poolscope
              metrics_path: /metrics
              static_configs:
                - targets: ['127.0.0.1:%d']
          """
              .formatted(c.port()));
      Path log = dir.resolve("prometheus.log");
      Process prometheus =
          new ProcessBuilder(
                  PROMETHEUS,
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + dir.resolve("tsdb"),
                  "--web.listen-address=127.0.0.1:" + port)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try {
        String base = "http://127.0.0.1:" + port;
        Http.await(
            TIMEOUT,
            () -> prometheus.isAlive() && status(base + "/-/ready") == 200,
            () -> "prometheus not ready; its log:\n" + read(log));

        assertScraped(http, base, 12, log);

        // A change is scraped too: the value is live, not a coincidence of the first scrape.
        http.postProto(
            "/v1/metrics",
            Otlp.pod("scraped", "scraped-2").pool(DB, "pool", 6, 3, 10, 0).open(DB, 9).request());
        assertScraped(http, base, 14, log);

        JsonNode up = query(base, "up{job=\"poolscope\"}");
        assertThat(up).hasSize(1);
        assertThat(up.get(0).get("metric").get("instance").asText())
            .isEqualTo("127.0.0.1:" + c.port());
        assertThat(up.get(0).get("value").get(1).asText()).isEqualTo("1");
      } finally {
        prometheus.destroy();
        if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly();
          prometheus.waitFor(10, TimeUnit.SECONDS);
        }
      }
      assertThat(prometheus.isAlive()).isFalse();
    }
  }

  /** Waits until the overview shows {@code open} and Prometheus has scraped that same value. */
  private void assertScraped(Http http, String base, int open, Path log) {
    Http.await(
        TIMEOUT, () -> overviewOpen(http) == open, () -> http.json("/api/overview").toString());
    String expected = Integer.toString(overviewOpen(http));
    String query = "poolscope_db_connections_open{db=\"" + ID + "\"}";
    Http.await(
        TIMEOUT,
        () -> {
          JsonNode r = query(base, query);
          return r.size() == 1 && expected.equals(r.get(0).get("value").get(1).asText());
        },
        () -> query + " -> " + query(base, query) + "; prometheus log:\n" + read(log));
    JsonNode series = query(base, query).get(0).get("metric");
    assertThat(series.get("job").asText()).isEqualTo("poolscope");
    assertThat(series.get("db_system").asText()).isEqualTo("postgresql");
  }

  private static int overviewOpen(Http http) {
    for (JsonNode db : http.json("/api/overview").get("databases")) {
      if (ID.equals(db.get("id").asText())) {
        return db.get("open").asInt();
      }
    }
    return -1;
  }

  /** The {@code data.result} vector of an instant query. */
  private JsonNode query(String base, String promql) {
    HttpResponse<byte[]> r =
        get(base + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    JsonNode body = Http.parse(r.body());
    assertThat(body.get("status").asText()).isEqualTo("success");
    assertThat(body.get("data").get("resultType").asText()).isEqualTo("vector");
    return body.get("data").get("result");
  }

  private int status(String url) {
    try {
      return get(url).statusCode();
    } catch (UncheckedIOException e) {
      return -1; // not listening yet
    }
  }

  private HttpResponse<byte[]> get(String url) {
    try {
      return client.send(
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String read(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
