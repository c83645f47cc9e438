package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The large lists of the read API come in pages, with the total and a link to the next page. */
class ServicesPagingTest {
  static final String DB = "127.0.0.1:5432/payments";

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
                .exportInterval(Duration.ofSeconds(30))
                .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
                .build());
    http = new Http(collector);
    // Five services (svc-0 .. svc-4), svc-0 with three pods.
    for (int s = 0; s < 5; s++) {
      int pods = s == 0 ? 3 : 1;
      for (int p = 0; p < pods; p++) {
        Otlp.Pod pod = Otlp.pod("svc-" + s, "svc-" + s + "-pod-" + p).pool(DB, "main", 1, 1, 4, 0);
        assertThat(http.postProto("/v1/metrics", pod.request()).statusCode()).isEqualTo(200);
      }
    }
    Http.await(
        Duration.ofSeconds(10),
        () ->
            "5".equals(http.get("/api/services").headers().firstValue("X-Total-Count").orElse("")),
        () -> http.get("/api/services").headers().map().toString());
  }

  @AfterEach
  void stop() {
    collector.close();
  }

  static List<String> names(JsonNode list, String field) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.get(field).asText()));
    return out;
  }

  @Test
  void servicesComeInPagesByNameWithTheTotalAndTheNextPage() {
    HttpResponse<byte[]> first = http.get("/api/services?limit=2");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(names(Http.parse(first.body()), "name")).containsExactly("svc-0", "svc-1");
    assertThat(first.headers().firstValue("X-Total-Count")).hasValue("5");
    assertThat(first.headers().firstValue("Link"))
        .hasValue("</api/services?offset=2&limit=2>; rel=\"next\"");

    HttpResponse<byte[]> last = http.get("/api/services?offset=4&limit=2");
    assertThat(names(Http.parse(last.body()), "name")).containsExactly("svc-4");
    assertThat(last.headers().firstValue("Link")).isEmpty();

    // Without parameters: the first 100, here all five.
    assertThat(names(http.json("/api/services"), "name"))
        .containsExactly("svc-0", "svc-1", "svc-2", "svc-3", "svc-4");
  }

  @Test
  void aServicesPodsComeInPages() {
    HttpResponse<byte[]> page = http.get("/api/services/svc-0?offset=1&limit=1");
    assertThat(page.statusCode()).isEqualTo(200);
    JsonNode service = Http.parse(page.body());
    assertThat(service.get("name").asText()).isEqualTo("svc-0");
    assertThat(names(service.get("pods"), "instanceId")).containsExactly("svc-0-pod-1");
    assertThat(page.headers().firstValue("X-Total-Count")).hasValue("3");
  }

  @Test
  void aBadPageIsAOneLineClientError() {
    for (String q : List.of("limit=0", "limit=1001", "offset=-1", "limit=ten")) {
      HttpResponse<byte[]> r = http.get("/api/services?" + q);
      assertThat(r.statusCode()).as(q).isEqualTo(400);
      String body = new String(r.body(), StandardCharsets.UTF_8);
      assertThat(body)
          .as(q)
          .contains(q.startsWith("offset") ? "offset" : "limit")
          .doesNotContain("\n\tat ");
    }
  }
}
