package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector's security promises over real HTTP: the read token guards the dashboard, the API,
 * the event stream and {@code /metrics}; ingest is rate-limited per client with 429 and
 * Retry-After; every response says nosniff and errors are JSON; and planted credentials (probe URL
 * and password, store password, both tokens) never appear in the log, the API, {@code /metrics} or
 * the store file.
 */
class SecurityTest {
  static final String DB = "10.0.0.5:5432/orders";
  static final String INGEST = "ingest-Tok3n";
  static final String READ = "read-Tok3n";

  @TempDir Path dir;
  final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  Collector start(CollectorConfig.Builder b) {
    return Collector.start(
        b.host("127.0.0.1").port(0).storeUrl("jdbc:h2:file:" + dir.resolve("store")).build());
  }

  HttpResponse<byte[]> send(int port, String method, String path, byte[] body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  static byte[] metrics(String instance) {
    return Otlp.pod("orders", instance).pool(DB, "main", 3, 2, 8, 0).request().toByteArray();
  }

  @Test
  void readTokenGuardsDashboardApiEventStreamAndMetrics() throws Exception {
    try (Collector c = start(CollectorConfig.builder().ingestToken(INGEST).apiToken(READ))) {
      int port = c.port();
      HttpResponse<byte[]> ingest =
          send(
              port,
              "POST",
              "/v1/metrics",
              metrics("orders-1"),
              "Content-Type",
              "application/x-protobuf",
              "Authorization",
              "Bearer " + INGEST);
      assertThat(ingest.statusCode()).as("ingest takes the agents' token").isEqualTo(200);
      for (String path :
          List.of(
              "/api/overview",
              "/api/services",
              "/api/leaks",
              "/api/alerts",
              "/api/pods/orders-1",
              "/metrics",
              "/")) {
        HttpResponse<byte[]> none = send(port, "GET", path, null);
        assertThat(none.statusCode()).as(path + " without a token").isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate").orElse(""))
            .as("a browser asks for credentials on " + path)
            .startsWith("Basic realm=");
        assertThat(Http.parse(none.body()).get("error").asText()).isEqualTo("unauthorized");
        assertThat(send(port, "GET", path, null, "Authorization", "Bearer " + INGEST).statusCode())
            .as(path + " with the agents' token")
            .isEqualTo(401);
        assertThat(
                send(port, "GET", path, null, "Authorization", basic("x", READ + "x")).statusCode())
            .as(path + " with a wrong password")
            .isEqualTo(401);
        assertThat(send(port, "GET", path, null, "Authorization", "Bearer " + READ).statusCode())
            .as(path + " with the read token")
            .isEqualTo(200);
        assertThat(
                send(port, "GET", path, null, "Authorization", basic("anyone", READ)).statusCode())
            .as(path + " with Basic auth")
            .isEqualTo(200);
      }
      // Liveness probes of an orchestrator carry no credentials.
      assertThat(send(port, "GET", "/api/health", null).statusCode()).isEqualTo(200);
      // The read token is not an ingest token.
      assertThat(
              send(
                      port,
                      "POST",
                      "/v1/metrics",
                      metrics("orders-2"),
                      "Content-Type",
                      "application/x-protobuf",
                      "Authorization",
                      "Bearer " + READ)
                  .statusCode())
          .isEqualTo(401);

      assertThat(eventStreamStatus(port, null)).isEqualTo(401);
      assertThat(eventStreamStatus(port, basic("dashboard", READ))).isEqualTo(200);
    }
  }

  int eventStreamStatus(int port, String authorization) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events"))
            .timeout(Duration.ofSeconds(10))
            .header("Accept", "text/event-stream");
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      if (r.statusCode() == 200) {
        assertThat(r.headers().firstValue("Content-Type").orElse(""))
            .startsWith("text/event-stream");
        // The first event arrives: the stream is really open, not just its headers.
        byte[] first = new byte["event: update".length()];
        assertThat(in.readNBytes(first, 0, first.length)).isEqualTo(first.length);
        assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("event: update");
      }
    }
    return r.statusCode();
  }

  @Test
  void ingestAboveTheRateLimitGets429WithRetryAfterAndChangesNothing() throws Exception {
    try (Collector c = start(CollectorConfig.builder().ingestRateLimit(1))) {
      int port = c.port();
      List<Integer> statuses = new ArrayList<>();
      HttpResponse<byte[]> limited = null;
      // A burst of ten seconds' worth passes; the rest of a fast burst is refused.
      long started = System.nanoTime();
      for (int i = 0; i < 30; i++) {
        HttpResponse<byte[]> r =
            send(
                port,
                "POST",
                "/v1/metrics",
                metrics("orders-" + i),
                "Content-Type",
                "application/x-protobuf");
        statuses.add(r.statusCode());
        if (r.statusCode() == 429 && limited == null) {
          limited = r;
        }
      }
      long ok = statuses.stream().filter(s -> s == 200).count();
      // Plus one more per second the loop took (the bucket refills while a slow machine sends).
      long refilled = (System.nanoTime() - started) / 1_000_000_000L + 1;
      assertThat(ok).as(statuses.toString()).isBetween(10L, 10L + refilled);
      assertThat(statuses).containsOnly(200, 429);
      assertThat(limited).isNotNull();
      long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
      assertThat(retryAfter).isBetween(1L, 2L);
      JsonNode err = Http.parse(limited.body());
      assertThat(err.get("status").asInt()).isEqualTo(429);
      assertThat(err.get("error").asText()).isEqualTo("too_many_requests");
      // Refused requests left no pod behind.
      HttpResponse<byte[]> overview = send(port, "GET", "/api/overview", null);
      JsonNode db = Http.parse(overview.body()).get("databases").get(0);
      assertThat(db.get("pods").asLong()).isEqualTo(ok);
      // After Retry-After the client gets through again; reads are never limited.
      Http.await(
          Duration.ofSeconds(10),
          () -> {
            try {
              return send(
                          port,
                          "POST",
                          "/v1/metrics",
                          metrics("orders-late"),
                          "Content-Type",
                          "application/x-protobuf")
                      .statusCode()
                  == 200;
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          },
          () -> "still limited");
      for (int i = 0; i < 30; i++) {
        assertThat(send(port, "GET", "/api/overview", null).statusCode()).isEqualTo(200);
      }
    }
  }

  @Test
  void everyResponseSaysNosniffAndErrorsAreJsonNeverMarkup() throws Exception {
    try (Collector c = start(CollectorConfig.builder())) {
      int port = c.port();
      String xss = "%3Cscript%3Ealert(1)%3C%2Fscript%3E";
      List<String[]> requests =
          List.of(
              new String[] {"GET", "/api/overview"},
              new String[] {"GET", "/metrics"},
              new String[] {"GET", "/"},
              new String[] {"GET", "/api/health"},
              new String[] {"GET", "/api/databases/" + xss},
              new String[] {"GET", "/api/services/" + xss},
              new String[] {"GET", "/api/pods/" + xss},
              new String[] {"GET", "/api/leaks?limit=" + xss},
              new String[] {"GET", "/api/history?db=x&from=" + xss},
              new String[] {"GET", "/api/" + xss},
              new String[] {"POST", "/v1/metrics"},
              new String[] {"GET", "/v1/metrics"});
      for (String[] m : requests) {
        HttpResponse<byte[]> r =
            send(
                port,
                m[0],
                m[1],
                m[0].equals("POST") ? "<script>alert(1)</script>".getBytes() : null,
                "Content-Type",
                "text/html; <script>alert(1)</script>");
        String where = m[0] + " " + m[1] + " -> " + r.statusCode();
        assertThat(r.statusCode()).as(where).isLessThan(500);
        assertThat(r.headers().firstValue("X-Content-Type-Options")).as(where).hasValue("nosniff");
        String type = r.headers().firstValue("Content-Type").orElse("");
        if (r.statusCode() >= 400) {
          assertThat(type).as(where).startsWith("application/json");
          JsonNode err = Http.parse(r.body());
          assertThat(err.get("status").asInt()).as(where).isEqualTo(r.statusCode());
          // Reflected text is a JSON string, served as JSON: no page a browser would run.
          assertThat(err.get("message").asText()).as(where).doesNotContain("\n");
        }
      }
    }
  }

  @Test
  void plantedCredentialsNeverLeaveInLogsApiMetricsOrStore() throws Exception {
    String probePassword = "PlantedProbePw1";
    String urlPassword = "PlantedUrlPw2";
    String storePassword = "PlantedStorePw3";
    List<String> secrets = List.of(probePassword, urlPassword, storePassword, INGEST, READ);
    Path config = dir.resolve("collector.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "server: {host: 127.0.0.1, port: 0}",
            "ingest: {token: " + INGEST + "}",
            "api: {token: " + READ + "}",
            "fleet: {exportInterval: 1s}",
            "probe: {interval: 1s, timeout: 1s}",
            "store:",
            "  url: jdbc:h2:file:" + dir.resolve("child-store"),
            "  password: " + storePassword,
            "  historyStep: 1s",
            "databases:",
            "  - id: postgresql_10.0.0.5_5432_orders",
            "    probe:",
            "      url: jdbc:postgresql://127.0.0.1:1/orders?user=monitor&password=" + urlPassword,
            "      user: monitor",
            "      password: " + probePassword,
            "  - id: mysql_10.0.0.6_3306_shop",
            "    probe:",
            "      url: jdbc:mysql://monitor:" + urlPassword + "@127.0.0.1:1/shop",
            ""));
    List<String> outputs = new ArrayList<>();
    try (ChildCollector c = ChildCollector.start(config)) {
      int port = c.port;
      String auth = "Bearer " + READ;
      assertThat(
              send(
                      port,
                      "POST",
                      "/v1/metrics",
                      metrics("orders-1"),
                      "Content-Type",
                      "application/x-protobuf",
                      "Authorization",
                      "Bearer " + INGEST)
                  .statusCode())
          .isEqualTo(200);
      // The probe has failed at least once, and history has been written.
      Http.await(
          Duration.ofSeconds(30),
          () -> {
            JsonNode db = overviewDb(port, auth);
            return db != null && "failed".equals(db.get("probe").get("status").asText());
          },
          () -> "probe never failed");
      for (String path :
          List.of(
              "/api/overview",
              "/api/databases/postgresql_10.0.0.5_5432_orders",
              "/api/databases/mysql_10.0.0.6_3306_shop",
              "/api/services",
              "/api/pods/orders-1",
              "/api/leaks",
              "/api/alerts",
              "/api/history?db=postgresql_10.0.0.5_5432_orders",
              "/api/health",
              "/metrics")) {
        HttpResponse<byte[]> r = send(port, "GET", path, null, "Authorization", auth);
        outputs.add(path + ": " + new String(r.body(), StandardCharsets.UTF_8));
      }
      assertThat(String.join("\n", outputs)).contains("\"status\":\"failed\"");
      c.stop();
      outputs.add("log: " + c.output());
      assertThat(c.output()).contains("probe of postgresql_10.0.0.5_5432_orders failed");
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (!f.equals(config)) {
          outputs.add(f + ": " + new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
        }
      }
    }
    for (String out : outputs) {
      for (String secret : secrets) {
        assertThat(out)
            .as("a planted secret in " + out.substring(0, Math.min(200, out.length())))
            .doesNotContain(secret);
      }
    }
  }

  @Test
  void configurationErrorsAndDescriptionsNeverShowAProbePassword() {
    String secret = "PlantedConfigPw4";
    // Not a JDBC URL: start-up stops and names the key, but not the password inside the value.
    var bad =
        CollectorConfig.builder()
            .databases(
                List.of(
                    CollectorConfig.Database.withProbe(
                        "postgresql_db_5432_x",
                        "postgresql://monitor:" + secret + "@db/x",
                        "m",
                        "p")));
    Throwable e = org.assertj.core.api.Assertions.catchThrowable(bad::build);
    assertThat(e).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("probe.url");
    assertThat(e.getMessage()).doesNotContain(secret);
    CollectorConfig.Database ok =
        CollectorConfig.Database.withProbe(
            "postgresql_db_5432_x",
            "jdbc:postgresql://db:5432/x?user=monitor&password=" + secret,
            "monitor",
            secret);
    assertThat(ok.toString()).contains("jdbc:postgresql://db:5432/x").doesNotContain(secret);
    assertThat(
            CollectorConfig.Database.withProbe(
                    "mysql_db_3306_x", "jdbc:mysql://monitor:" + secret + "@db/x", null, null)
                .toString())
        .doesNotContain(secret);
  }

  JsonNode overviewDb(int port, String auth) {
    try {
      HttpResponse<byte[]> r = send(port, "GET", "/api/overview", null, "Authorization", auth);
      for (JsonNode db : Http.parse(r.body()).get("databases")) {
        if (db.get("id").asText().equals("postgresql_10.0.0.5_5432_orders")) {
          return db;
        }
      }
      return null;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
