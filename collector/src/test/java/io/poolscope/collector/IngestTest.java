package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OTLP receiver: encodings, authentication, limits, and rejected bodies changing nothing. */
class IngestTest {
  static final String DB = "10.0.0.5:5432/orders";
  static final String TOKEN = "s3cret-token";

  @TempDir Path dir;
  Collector collector;
  Http http;

  @BeforeEach
  void start() {
    collector =
        Collector.start(
            CollectorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .ingestToken(TOKEN)
                .maxBodyBytes(64 * 1024)
                .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
                .build());
    http = new Http(collector);
  }

  @AfterEach
  void stop() {
    collector.close();
  }

  byte[] valid() {
    return Otlp.pod("orders", "orders-1")
        .pool(DB, "main", 3, 2, 8, 0)
        .open(DB, 5)
        .request()
        .toByteArray();
  }

  HttpResponse<byte[]> post(byte[] body, String contentType, String... extra) {
    String[] h = new String[4 + extra.length];
    h[0] = "Content-Type";
    h[1] = contentType;
    h[2] = "Authorization";
    h[3] = "Bearer " + TOKEN;
    System.arraycopy(extra, 0, h, 4, extra.length);
    return http.post("/v1/metrics", body, h);
  }

  JsonNode state() {
    ObjectNode o = (ObjectNode) http.json("/api/overview");
    o.remove("generatedAt");
    return o;
  }

  @Test
  void protobufJsonAndGzipAreAccepted() throws Exception {
    HttpResponse<byte[]> r = post(valid(), "application/x-protobuf");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/x-protobuf"));
    assertThat(ExportMetricsServiceResponse.parseFrom(r.body()).hasPartialSuccess()).isFalse();

    // OTLP/JSON as an SDK writes it: lowerCamelCase, int as string, enum as integer, hex ids.
    String json =
        JsonFormat.printer()
            .print(
                Otlp.pod("orders", "orders-2").pool(DB, "main", 1, 1, 8, 0).open(DB, 2).request())
            .replace("\"AGGREGATION_TEMPORALITY_CUMULATIVE\"", "2");
    json =
        json.replaceFirst(
            "\\{", "{\"unknownTopLevel\": {\"traceId\": \"5b8efff798038103d269b633813fc60c\"},");
    r = post(json.getBytes(StandardCharsets.UTF_8), "application/json; charset=utf-8");
    assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");

    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(
          Otlp.pod("orders", "orders-3")
              .pool(DB, "main", 0, 4, 8, 0)
              .open(DB, 4)
              .request()
              .toByteArray());
    }
    r = post(gz.toByteArray(), "application/x-protobuf", "Content-Encoding", "gzip");
    assertThat(r.statusCode()).isEqualTo(200);

    JsonNode db = http.json("/api/overview").get("databases").get(0);
    assertThat(db.get("open").asLong()).isEqualTo(11);
    assertThat(db.get("pods").asInt()).isEqualTo(3);
  }

  @Test
  void badBodiesGetClientErrorsAndChangeNothing() throws Exception {
    assertThat(post(valid(), "application/x-protobuf").statusCode()).isEqualTo(200);
    JsonNode before = state();
    byte[] extra =
        Otlp.pod("orders", "orders-9")
            .pool(DB, "main", 7, 0, 8, 2)
            .open(DB, 7)
            .request()
            .toByteArray();

    HttpResponse<byte[]> truncated =
        post(Arrays.copyOf(extra, extra.length - 3), "application/x-protobuf");
    assertThat(truncated.statusCode()).isEqualTo(400);
    JsonNode err = Http.parse(truncated.body());
    assertThat(err.get("status").asInt()).isEqualTo(400);
    assertThat(err.get("error").asText()).isEqualTo("bad_request");
    assertThat(err.get("message").asText()).contains("ExportMetricsServiceRequest");

    assertThat(post(extra, "text/plain").statusCode()).isEqualTo(415);
    assertThat(post("{\"resourceMetrics\": [".getBytes(), "application/json").statusCode())
        .isEqualTo(400);
    assertThat(post("{\"resourceMetrics\": 7}".getBytes(), "application/json").statusCode())
        .isEqualTo(400);
    assertThat(post(extra, "application/x-protobuf", "Content-Encoding", "gzip").statusCode())
        .isEqualTo(400);
    assertThat(post(extra, "application/x-protobuf", "Content-Encoding", "br").statusCode())
        .isEqualTo(415);

    byte[] huge = new byte[200 * 1024];
    assertThat(post(huge, "application/x-protobuf").statusCode()).isEqualTo(413);
    // A gzip bomb: small on the wire, over the limit once inflated.
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(new byte[1024 * 1024]);
    }
    assertThat(gz.size()).isLessThan(64 * 1024);
    assertThat(
            post(gz.toByteArray(), "application/x-protobuf", "Content-Encoding", "gzip")
                .statusCode())
        .isEqualTo(413);

    HttpResponse<byte[]> noToken =
        http.post("/v1/metrics", extra, "Content-Type", "application/x-protobuf");
    assertThat(noToken.statusCode()).isEqualTo(401);
    assertThat(Http.parse(noToken.body()).get("error").asText()).isEqualTo("unauthorized");
    // Differs from the right token only in case: Jetty's header cache must not fold it.
    HttpResponse<byte[]> wrongToken =
        http.post(
            "/v1/metrics",
            extra,
            "Content-Type",
            "application/x-protobuf",
            "Authorization",
            "Bearer s3cret-tokeN");
    assertThat(wrongToken.statusCode()).as(new String(wrongToken.body())).isEqualTo(401);
    assertThat(http.post("/v1/logs", extra, "Content-Type", "application/x-protobuf").statusCode())
        .isEqualTo(401);

    assertThat(state()).isEqualTo(before);
    assertThat(http.json("/api/pods/orders-1").get("open").asLong()).isEqualTo(5);
    assertThat(http.get("/api/pods/orders-9").statusCode()).isEqualTo(404);
  }

  @Test
  void pointsBreakingTheContractAreRejectedAsPartialSuccess() throws Exception {
    var req =
        Otlp.request(
            Otlp.pod("orders", "orders-1").pool(DB, "main", 3, 2, 8, 0),
            new Otlp.Pod("orders", "orders-x") {
              @Override
              io.opentelemetry.proto.metrics.v1.ResourceMetrics build() {
                metrics.add(Otlp.gauge("db.client.connection.max", 10, Otlp.target(DB)));
                return super.build();
              }
            });
    HttpResponse<byte[]> r = post(req.toByteArray(), "application/x-protobuf");
    assertThat(r.statusCode()).isEqualTo(200);
    ExportMetricsServiceResponse resp = ExportMetricsServiceResponse.parseFrom(r.body());
    assertThat(resp.getPartialSuccess().getRejectedDataPoints()).isEqualTo(1);
    assertThat(resp.getPartialSuccess().getErrorMessage()).contains("pool.name");
    assertThat(http.json("/api/overview").get("databases").get(0).get("planned").asLong())
        .isEqualTo(8);
  }

  @Test
  void leakEventsAreStoredWithTheirCallSite() {
    Otlp.Pod pod = Otlp.pod("jobs", "jobs-1");
    HttpResponse<byte[]> r =
        http.post(
            "/v1/logs",
            Otlp.leak(pod, DB, "jobs-pool", "suspected", "com.example.Job.run(Job.java:57)")
                .toByteArray(),
            "Content-Type",
            "application/x-protobuf",
            "Authorization",
            "Bearer " + TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode leaks = http.json("/api/leaks?db=postgresql_10.0.0.5_5432_orders");
    assertThat(leaks).hasSize(1);
    JsonNode leak = leaks.get(0);
    assertThat(leak.get("state").asText()).isEqualTo("suspected");
    assertThat(leak.get("service").asText()).isEqualTo("jobs");
    assertThat(leak.get("pool").asText()).isEqualTo("jobs-pool");
    assertThat(leak.get("callSite").asText()).isEqualTo("com.example.Job.run(Job.java:57)");
    assertThat(leak.get("ageSeconds").asDouble()).isEqualTo(31.5);
    assertThat(http.json("/api/leaks?service=payments")).isEmpty();
    assertThat(http.get("/api/leaks?limit=0").statusCode()).isEqualTo(400);
    assertThat(http.get("/api/leaks?limit=abc").statusCode()).isEqualTo(400);
  }

  @Test
  void serverSentEventsAnnounceChanges() throws Exception {
    var client = java.net.http.HttpClient.newHttpClient();
    var req =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + collector.port() + "/api/events"))
            .header("Accept", "text/event-stream")
            .build();
    HttpResponse<java.io.InputStream> stream =
        client.send(req, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/event-stream");
    var reader =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(stream.body(), StandardCharsets.UTF_8));
    assertThat(reader.readLine()).isEqualTo("event: update");
    post(valid(), "application/x-protobuf");
    // The initial event's data and blank line, then the one update the post caused.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int updates = 0;
    reader.readLine();
    reader.readLine();
    String line;
    String data = null;
    while (updates < 1 && System.nanoTime() < deadline && (line = reader.readLine()) != null) {
      if (line.equals("event: update")) {
        updates++;
        data = reader.readLine();
      }
    }
    assertThat(updates).isEqualTo(1);
    assertThat(data).contains("generatedAt");
    stream.body().close();
  }
}
