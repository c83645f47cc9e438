package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sends at least 10,000 generated bodies ({@link FuzzBodies}) over real HTTP to every endpoint of
 * one collector, and only the valid ones (plus the blind mutations it accepted) to a second one.
 * Nothing may answer with a 5xx or hang, and at every checkpoint both collectors' stored state
 * (overview, each database, services with their pods, leaks) must be identical: what the accepted
 * requests alone produce. Both run on one frozen clock and a one-hour interval, so staleness,
 * history and alert evaluation play no part in the comparison.
 *
 * <p>The seed is printed and named in every failure; rerun one with {@code
 * -Dpoolscope.fuzz.seed=N}, and change the count with {@code -Dpoolscope.fuzz.bodies=N}.
 */
class IngestFuzzTest {
  static final long NOW = 1_763_798_400_000L;
  static final int BODIES = Integer.getInteger("poolscope.fuzz.bodies", 10_000);
  static final int CHECKPOINT = Integer.getInteger("poolscope.fuzz.checkpoint", 2_500);

  @TempDir Path dir;
  Collector fuzzed;
  Collector reference;
  final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @BeforeEach
  void start() {
    fuzzed = Collector.start(config("fuzzed"), () -> NOW);
    reference = Collector.start(config("reference"), () -> NOW);
  }

  @AfterEach
  void stop() {
    fuzzed.close();
    reference.close();
  }

  CollectorConfig config(String name) {
    return CollectorConfig.builder()
        .host("127.0.0.1")
        .port(0)
        .ingestToken(FuzzBodies.TOKEN)
        .maxBodyBytes(FuzzBodies.MAX_BODY)
        .exportInterval(Duration.ofHours(1))
        .historyStep(Duration.ofHours(1))
        .storeUrl("jdbc:h2:file:" + dir.resolve(name))
        .build();
  }

  @Test
  void noBodyCausesA5xxAHangOrAChangeBeyondWhatValidRequestsMake() throws Exception {
    long seed = Long.getLong("poolscope.fuzz.seed", System.nanoTime());
    System.out.println("IngestFuzzTest seed " + seed + " (-Dpoolscope.fuzz.seed=" + seed + ")");
    try {
      run(seed);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("fuzz seed " + seed + ": " + e.getMessage(), e);
    }
  }

  private void run(long seed) throws Exception {
    FuzzBodies gen = new FuzzBodies(seed);
    int posts = 0;
    int requests = 0;
    int[] byKind = new int[FuzzBodies.Kind.values().length];
    int acceptedMutations = 0;
    List<String> window = new ArrayList<>();
    long started = System.nanoTime();
    while (posts < BODIES) {
      FuzzBodies.Request r = gen.next();
      requests++;
      if (r.body() != null) {
        posts++;
      }
      byKind[r.kind().ordinal()]++;
      String label = ("#" + requests + " " + r.label()).replaceAll("\\p{Cntrl}", "?");
      window.add(label.length() > 120 ? label.substring(0, 120) + "..." : label);
      HttpResponse<byte[]> a = send(fuzzed, r);
      String where = "#" + requests + " " + r.method() + " " + r.path() + " (" + r.label() + ")";
      assertThat(a.statusCode()).as(where + ": " + text(a)).isLessThan(500);
      checkHeaders(where, r, a);
      switch (r.kind()) {
        case VALID -> {
          assertThat(a.statusCode()).as(where + ": " + text(a)).isEqualTo(200);
          assertThat(rejected(r, a)).as(where + ": " + text(a)).isZero();
          HttpResponse<byte[]> b = send(reference, r);
          assertThat(b.statusCode()).as(where + " on the reference").isEqualTo(200);
        }
        case INVALID -> {
          if (a.statusCode() == 200) {
            assertThat(rejected(r, a))
                .as(where + ": accepted, so every bad point must be rejected: " + text(a))
                .isEqualTo(r.expectRejected());
          } else {
            assertThat(a.statusCode()).as(where + ": " + text(a)).isBetween(400, 499);
          }
        }
        case UNKNOWN -> {
          if (a.statusCode() == 200) {
            acceptedMutations++;
            HttpResponse<byte[]> b = send(reference, r);
            assertThat(b.statusCode()).as(where + " on the reference").isEqualTo(200);
            assertThat(b.body()).as(where + ": same response from both").isEqualTo(a.body());
          }
        }
        case READ -> {
          // The state comparison below shows that reads changed nothing.
        }
      }
      if (requests % CHECKPOINT == 0) {
        assertSameState("after request #" + requests, window);
        window.clear();
      }
    }
    assertSameState("at the end", window);
    assertEventStreamIgnoresOddParameters();
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "IngestFuzzTest: %d requests (%d bodies) in %.1f s: %s, %d mutations accepted%n",
        requests,
        posts,
        seconds,
        Arrays.toString(byKind),
        acceptedMutations);
    // The comparison means something only if the valid requests built a real fleet.
    JsonNode overview = json(reference, "/api/overview");
    assertThat(overview.get("databases").size()).isGreaterThanOrEqualTo(3);
    assertThat(json(reference, "/api/leaks?limit=1000").size()).isGreaterThan(100);
    assertThat(posts).isGreaterThanOrEqualTo(BODIES);
  }

  /** Error responses of the API are the JSON error shape; nothing is sniffable as markup. */
  private void checkHeaders(String where, FuzzBodies.Request r, HttpResponse<byte[]> a) {
    String type = a.headers().firstValue("Content-Type").orElse("");
    boolean api = r.path().startsWith("/api/") || r.path().startsWith("/v1/");
    if (api && a.statusCode() >= 400 && type.startsWith("application/json")) {
      JsonNode err = Http.parse(a.body());
      assertThat(err.get("status").asInt()).as(where).isEqualTo(a.statusCode());
      assertThat(err.get("error").asText()).as(where).isNotEmpty();
    }
    if (a.statusCode() == 200 && r.path().startsWith("/api/")) {
      assertThat(type).as(where).startsWith("application/json");
      Http.parse(a.body());
    }
    if (!type.startsWith("application/json") && !type.startsWith("application/x-protobuf")) {
      // Markup from the request may come back only JSON-encoded, never raw in an HTML page.
      String body = text(a).toLowerCase(Locale.ROOT);
      assertThat(body).as(where + " (" + type + ")").doesNotContain("<script>alert(1)");
      assertThat(body).as(where + " (" + type + ")").doesNotContain("<img src=x");
    }
  }

  private static long rejected(FuzzBodies.Request r, HttpResponse<byte[]> a) throws IOException {
    boolean json = a.headers().firstValue("Content-Type").orElse("").startsWith("application/json");
    if (r.path().equals("/v1/logs")) {
      ExportLogsServiceResponse.Builder b = ExportLogsServiceResponse.newBuilder();
      if (json) {
        JsonFormat.parser().merge(text(a), b);
      } else {
        b.mergeFrom(a.body());
      }
      return b.getPartialSuccess().getRejectedLogRecords();
    }
    ExportMetricsServiceResponse.Builder b = ExportMetricsServiceResponse.newBuilder();
    if (json) {
      JsonFormat.parser().merge(text(a), b);
    } else {
      b.mergeFrom(a.body());
    }
    return b.getPartialSuccess().getRejectedDataPoints();
  }

  private void assertSameState(String when, List<String> window) {
    JsonNode a = state(fuzzed);
    JsonNode b = state(reference);
    if (!a.equals(b)) {
      List<String> recent = window.subList(Math.max(0, window.size() - 400), window.size());
      throw new AssertionError(
          "state differs "
              + when
              + " at "
              + firstDifference("", a, b)
              + "\nrequests since the last checkpoint (newest last):\n"
              + String.join("\n", recent));
    }
  }

  /** Everything a dashboard can see of the fleet and the store. */
  private JsonNode state(Collector c) {
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    JsonNode overview = json(c, "/api/overview");
    s.set("overview", overview);
    ObjectNode dbs = s.putObject("databases");
    for (JsonNode db : overview.get("databases")) {
      String id = db.get("id").asText();
      dbs.set(id, json(c, "/api/databases/" + id));
      dbs.set(id + " leaks", json(c, "/api/leaks?limit=1000&db=" + id));
    }
    s.set("services", json(c, "/api/services"));
    s.set("leaks", json(c, "/api/leaks?limit=1000"));
    return s;
  }

  private static String firstDifference(String path, JsonNode a, JsonNode b) {
    if (a.isObject() && b.isObject()) {
      for (var it = a.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!b.has(f)) {
          return path + "/" + f + " only on the fuzzed collector";
        }
        if (!a.get(f).equals(b.get(f))) {
          return firstDifference(path + "/" + f, a.get(f), b.get(f));
        }
      }
      return path + ": fields only on the reference: " + clip(b.toString());
    }
    if (a.isArray() && b.isArray() && a.size() == b.size()) {
      for (int i = 0; i < a.size(); i++) {
        if (!a.get(i).equals(b.get(i))) {
          return firstDifference(path + "/" + i, a.get(i), b.get(i));
        }
      }
    }
    return path + ": fuzzed " + clip(a.toString()) + " but reference " + clip(b.toString());
  }

  private static String clip(String s) {
    return s.length() > 1500 ? s.substring(0, 1500) + "..." : s;
  }

  private void assertEventStreamIgnoresOddParameters() throws Exception {
    String odd = URLEncoder.encode("<script>alert(1)</script>\u0000", StandardCharsets.UTF_8);
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(base(fuzzed) + "/api/events?since=" + odd))
            .timeout(Duration.ofSeconds(10))
            .header("Accept", "text/event-stream")
            .header("Authorization", "Bearer " + FuzzBodies.TOKEN)
            .build();
    HttpResponse<InputStream> r = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      assertThat(reader.readLine()).isEqualTo("event: update");
    }
  }

  private JsonNode json(Collector c, String path) {
    HttpResponse<byte[]> r =
        send(
            c,
            new FuzzBodies.Request(
                "state",
                FuzzBodies.Kind.READ,
                "GET",
                path,
                null,
                List.of("Authorization", "Bearer " + FuzzBodies.TOKEN),
                0));
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + path + " -> " + r.statusCode() + ": " + text(r));
    }
    return Http.parse(r.body());
  }

  private static String base(Collector c) {
    return "http://127.0.0.1:" + c.port();
  }

  private HttpResponse<byte[]> send(Collector c, FuzzBodies.Request r) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base(c) + r.path()))
            .timeout(Duration.ofSeconds(10))
            .method(
                r.method(),
                r.body() == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(r.body()));
    if (!r.headers().isEmpty()) {
      b.headers(r.headers().toArray(String[]::new));
    }
    try {
      return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      // A timeout (a hang) or a connection the server dropped without an answer.
      throw new AssertionError(
          r.method() + " " + r.path() + " (" + r.label() + ") got no response: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String text(HttpResponse<byte[]> r) {
    return clip(new String(r.body(), StandardCharsets.UTF_8));
  }
}
