package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard and its WebJars at /, and the one error shape on every API path. */
class ServerTest {
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
                .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
                .build());
    http = new Http(collector);
  }

  @AfterEach
  void stop() {
    collector.close();
  }

  @Test
  void servesTheDashboardAndItsWebJars() {
    HttpResponse<byte[]> index = http.get("/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    String html = new String(index.body());
    assertThat(html).containsIgnoringCase("<html");
    // The page names the Chart.js WebJar it loads; the collector must serve exactly that file.
    var m = java.util.regex.Pattern.compile("(/?webjars/[^\"']+\\.js)").matcher(html);
    if (m.find()) {
      String path = m.group(1).startsWith("/") ? m.group(1) : "/" + m.group(1);
      assertThat(http.get(path).statusCode()).as(path).isEqualTo(200);
    }
    assertThat(http.json("/api/health").get("status").asText()).isEqualTo("ok");
  }

  @Test
  void everyApiErrorHasTheSameShape() {
    for (String path :
        new String[] {"/api/nope", "/api/databases/none", "/api/services/none", "/api/pods/none"}) {
      HttpResponse<byte[]> r = http.get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      JsonNode e = Http.parse(r.body());
      assertThat(e.get("status").asInt()).isEqualTo(404);
      assertThat(e.get("error").asText()).isEqualTo("not_found");
      assertThat(e.get("message").asText()).isNotBlank();
    }
    HttpResponse<byte[]> bad = http.get("/api/history?db=x&from=5&to=1");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(Http.parse(bad.body()).get("error").asText()).isEqualTo("bad_request");
    assertThat(http.get("/api/history").statusCode()).isEqualTo(400);
    assertThat(http.get("/api/history?db=x&from=soon").statusCode()).isEqualTo(400);
    assertThat(http.get("/v1/metrics").statusCode()).isIn(404, 405);
  }
}
