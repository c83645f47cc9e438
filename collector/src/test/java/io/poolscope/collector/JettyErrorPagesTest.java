package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests Jetty rejects before Javalin sees them (a 100 KB URI, a 64 KB header, an unparseable
 * request line, version, header or Host) are answered in the collector's JSON error shape with
 * {@code application/json} and {@code nosniff}, not Jetty's HTML error page; nothing of the request
 * comes back as markup, no stack trace, and the collector's state does not change. Sent over a raw
 * socket: an HTTP client would refuse to send most of these.
 */
class JettyErrorPagesTest {
  static final String DB = "10.0.0.5:5432/orders";
  static final String MARKUP = "<script>alert(1)</script>";

  @TempDir Path dir;

  /** A request Jetty (or Javalin) must reject, and the error it must get. */
  record Case(String why, String request, int status, String error, String message) {}

  /** One raw response: status, headers (lower-case names) and body. */
  record Raw(int status, Map<String, String> headers, byte[] body, String head) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  @Test
  void requestsJettyRejectsGetTheJsonErrorShapeAndChangeNothing() throws Exception {
    try (Collector c =
        Collector.start(
            CollectorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
                .build())) {
      int port = c.port();
      Http http = new Http(c);
      byte[] metrics =
          Otlp.pod("orders", "orders-1").pool(DB, "main", 3, 2, 8, 0).request().toByteArray();
      assertThat(
              http.post("/v1/metrics", metrics, "Content-Type", "application/x-protobuf")
                  .statusCode())
          .isEqualTo(200);
      // What the rejected requests carry: a valid export of a second pod, which must not appear.
      byte[] other =
          Otlp.pod("orders", "orders-2").pool(DB, "second", 5, 0, 8, 0).request().toByteArray();
      String before = state(http);
      assertThat(before).contains("\"pods\":1").contains("main");

      String longQuery = "x=" + "a".repeat(100_000) + MARKUP;
      String bigHeader = "X-Big: " + "b".repeat(64 * 1024) + MARKUP;
      List<Case> cases =
          List.of(
              new Case(
                  "URI too long",
                  post("/v1/metrics?" + longQuery, other, "Host: 127.0.0.1"),
                  414,
                  "uri_too_long",
                  "the request URI is too long"),
              new Case(
                  "URI too long on a read",
                  "GET /api/overview?" + longQuery + " HTTP/1.1\r\nHost: x\r\n\r\n",
                  414,
                  "uri_too_long",
                  "the request URI is too long"),
              new Case(
                  "header fields too large",
                  post("/v1/metrics", other, "Host: 127.0.0.1", bigHeader),
                  431,
                  "request_header_fields_too_large",
                  "the request header fields are too large"),
              new Case(
                  "unknown HTTP version",
                  "GET /api/overview HTTP/" + MARKUP + "\r\nHost: x\r\n\r\n",
                  505,
                  "http_version_not_supported",
                  "the HTTP version is not supported (Unknown Version)"),
              new Case(
                  "no HTTP version",
                  "GET /api/overview " + MARKUP + "\r\n\r\n",
                  505,
                  "http_version_not_supported",
                  "the HTTP version is not supported"),
              new Case(
                  "bad Host header",
                  "GET /api/overview HTTP/1.1\r\nHost: " + MARKUP + ":99x\r\n\r\n",
                  400,
                  "bad_request",
                  "the request is malformed: Jetty could not parse it (Bad HostPort)"),
              new Case(
                  "no Host header",
                  "GET /api/overview HTTP/1.1\r\n\r\n",
                  400,
                  "bad_request",
                  "the request is malformed: Jetty could not parse it (No Host)"),
              new Case(
                  "control character in a header",
                  "GET /api/overview HTTP/1.1\r\nHost: x\r\nX-A: a\u0001" + MARKUP + "\r\n\r\n",
                  400,
                  "bad_request",
                  "the request is malformed: Jetty could not parse it (Illegal character CNTL?0x1)"),
              new Case(
                  "header without a colon",
                  "GET /api/overview HTTP/1.1\r\nHost: x\r\n" + MARKUP + "\r\n\r\n",
                  400,
                  "bad_request",
                  "the request is malformed: Jetty could not parse it (Illegal character VCHAR"),
              new Case(
                  "bad percent encoding",
                  "GET /api/%zz%3Cscript%3E HTTP/1.1\r\nHost: x\r\n\r\n",
                  400,
                  "bad_request",
                  "the request is malformed"),
              new Case(
                  "ambiguous path segment",
                  "GET /api/%2e%2e/%2e%2e/etc HTTP/1.1\r\nHost: x\r\n\r\n",
                  400,
                  "bad_request",
                  "the request is malformed"),
              // Past Jetty's parser: Javalin's own answers, the same shape, markup escaped.
              new Case(
                  "markup in an unknown path",
                  "GET /api/" + MARKUP + " HTTP/1.1\r\nHost: x\r\n\r\n",
                  404,
                  "not_found",
                  "GET /api/" + MARKUP + " not found"),
              new Case(
                  "bad chunked body",
                  "POST /v1/metrics HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf"
                      + "\r\nTransfer-Encoding: chunked\r\n\r\nzz"
                      + MARKUP
                      + "\r\n\r\n",
                  400,
                  "bad_request",
                  "request body ended early"));
      SoftAssertions soft = new SoftAssertions();
      for (Case k : cases) {
        Raw r = exchange(port, k.request().getBytes(StandardCharsets.ISO_8859_1));
        String where = k.why() + " -> " + r.head();
        soft.assertThat(r.status()).as(where).isEqualTo(k.status());
        soft.assertThat(r.headers().get("content-type")).as(where).startsWith("application/json");
        soft.assertThat(r.headers().get("x-content-type-options")).as(where).isEqualTo("nosniff");
        JsonNode err = jsonOrNull(r.body());
        if (err == null || !err.has("message")) {
          soft.fail("not the JSON error shape: " + where);
          continue;
        }
        soft.assertThat(err.get("status").asInt()).as(where).isEqualTo(k.status());
        soft.assertThat(err.get("error").asText()).as(where).isEqualTo(k.error());
        soft.assertThat(err.get("message").asText()).as(where).contains(k.message());
        String body = r.text();
        soft.assertThat(body)
            .as(where)
            .doesNotContain("<")
            .doesNotContain(">")
            .doesNotContainIgnoringCase("jetty://")
            .doesNotContain("Exception")
            .doesNotContain("\tat ")
            .doesNotContain("aaaaaaaaaa")
            .doesNotContain("bbbbbbbbbb");
      }
      soft.assertAll();
      // Nothing the rejected requests carried (a valid export among them) reached the fleet.
      assertThat(state(http)).isEqualTo(before);
      // And the collector still serves normally afterwards.
      assertThat(http.get("/api/health").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void unknownMethodsGetTheJsonErrorShape() throws Exception {
    try (Collector c =
        Collector.start(
            CollectorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
                .build())) {
      for (String method : List.of("FOO", "TRACE", "PROPFIND", "BREW")) {
        for (String path : List.of("/api/overview", "/v1/metrics", "/metrics")) {
          Raw r =
              exchange(c.port(), (method + " " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes());
          String where = method + " " + path + " -> " + r.head();
          assertThat(r.status()).as(where).isBetween(400, 499);
          assertThat(r.headers().get("content-type")).as(where).startsWith("application/json");
          assertThat(r.headers().get("x-content-type-options")).as(where).isEqualTo("nosniff");
          JsonNode err = Http.parse(r.body());
          assertThat(err.get("status").asInt()).as(where).isEqualTo(r.status());
          assertThat(err.get("message").asText()).as(where).isNotBlank();
        }
      }
    }
  }

  static JsonNode jsonOrNull(byte[] body) {
    try {
      return Http.parse(body);
    } catch (RuntimeException e) {
      return null;
    }
  }

  static String post(String target, byte[] body, String... headers) {
    StringBuilder b = new StringBuilder("POST ").append(target).append(" HTTP/1.1\r\n");
    for (String h : headers) {
      b.append(h).append("\r\n");
    }
    b.append("Content-Type: application/x-protobuf\r\n");
    b.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    // The body is protobuf; Latin-1 keeps every byte as it is.
    b.append(new String(body, StandardCharsets.ISO_8859_1));
    return b.toString();
  }

  /** What the API shows of the fleet, the moment-dependent field removed. */
  static String state(Http http) {
    StringBuilder out = new StringBuilder();
    JsonNode overview = http.json("/api/overview");
    ((com.fasterxml.jackson.databind.node.ObjectNode) overview).remove("generatedAt");
    out.append(overview).append('\n');
    out.append(http.json("/api/services")).append('\n');
    out.append(http.json("/api/leaks")).append('\n');
    return out.toString().replaceAll("\"lastSeen\":\\d+", "");
  }

  /**
   * Sends raw bytes and reads one response. Jetty may answer before it has read everything (a 414
   * after the first 8 KB) and close: a failed write is not an error as long as a response arrives.
   */
  static Raw exchange(int port, byte[] request) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(request);
        out.flush();
        s.shutdownOutput();
      } catch (SocketException e) {
        // The server has answered and closed; read what it sent.
      }
      return read(s.getInputStream());
    }
  }

  private static Raw read(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int headEnd = -1;
    int contentLength = -1;
    try {
      while (true) {
        int n = in.read(buf);
        if (n < 0) {
          break;
        }
        all.write(buf, 0, n);
        byte[] sofar = all.toByteArray();
        if (headEnd < 0) {
          headEnd = indexOf(sofar, "\r\n\r\n".getBytes());
          if (headEnd >= 0) {
            contentLength = contentLength(new String(sofar, 0, headEnd, StandardCharsets.UTF_8));
          }
        }
        if (headEnd >= 0 && contentLength >= 0 && sofar.length >= headEnd + 4 + contentLength) {
          break;
        }
      }
    } catch (SocketException | SocketTimeoutException e) {
      // A reset after the response (the server closes a connection it will not read further).
    }
    byte[] bytes = all.toByteArray();
    if (headEnd < 0) {
      throw new AssertionError(
          "no HTTP response, got: "
              + new String(bytes, 0, Math.min(200, bytes.length), StandardCharsets.UTF_8));
    }
    String head = new String(bytes, 0, headEnd, StandardCharsets.UTF_8);
    String[] lines = head.split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    int from = headEnd + 4;
    int to = contentLength >= 0 ? Math.min(bytes.length, from + contentLength) : bytes.length;
    byte[] body = java.util.Arrays.copyOfRange(bytes, from, to);
    return new Raw(status, headers, body, lines[0] + " " + headers + " " + new String(body));
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        return Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    return -1;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
