package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who holds a pool's connections, over real HTTP: {@code poolscope.connection.holder.age} points
 * are decoded into the pool and shown oldest first on the pool, family and pod objects of the JSON
 * API, replaced by each export, never on {@code /metrics}; out-of-bound points are rejected.
 */
class OldestHoldersTest {
  static final String DB = "10.1.2.3:5432/billing";
  static final String SITE =
      "at com.acme.billing.Charges.charge(Charges.java:42)\n"
          + "at com.acme.billing.BillingJob.run(BillingJob.java:17)";

  @TempDir Path dir;

  private static List<KeyValue> holder(String thread, String lease, String site) {
    List<KeyValue> a = new ArrayList<>(Otlp.poolAttrs(DB, "main"));
    a.add(Otlp.kv("thread.name", thread));
    a.add(Otlp.kv("poolscope.lease.id", lease));
    if (site != null) {
      a.add(Otlp.kv("code.stacktrace", site));
    }
    return a;
  }

  private static Otlp.Pod pod() {
    return Otlp.pod("billing", "billing-1").pool(DB, "main", 3, 2, 10, 0);
  }

  private Collector start() {
    return Collector.start(
        CollectorConfig.builder()
            .host("127.0.0.1")
            .port(0)
            .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
            .build());
  }

  @Test
  void holdersReachThePoolFamilyAndPodObjectsOldestFirstWithCallSite() throws Exception {
    try (Collector c = start()) {
      Http http = new Http(c);
      // Sent out of order: the collector lists them oldest first.
      Otlp.Pod export =
          pod()
              .addGauge(
                  "poolscope.connection.holder.age", 2.5, holder("refund-worker-1", "3", null))
              .addGauge(
                  "poolscope.connection.holder.age", 95.25, holder("billing-worker-1", "1", SITE))
              .addGauge(
                  "poolscope.connection.holder.age", 40.0, holder("billing-worker-2", "2", SITE));
      long before = System.currentTimeMillis();
      assertThat(http.postProto("/v1/metrics", export.request()).statusCode()).isEqualTo(200);
      long after = System.currentTimeMillis();

      JsonNode pod = http.json("/api/pods/billing-1");
      JsonNode holders = pod.path("pools").path(0).path("holders");
      assertThat(holders).hasSize(3);
      assertThat(holders.path(0).path("thread").asText()).isEqualTo("billing-worker-1");
      assertThat(holders.path(0).path("heldSeconds").asDouble()).isEqualTo(95.25);
      assertThat(holders.path(0).path("leaseId").asText()).isEqualTo("1");
      assertThat(holders.path(0).path("callSite").asText()).isEqualTo(SITE);
      assertThat(holders.path(0).path("pool").asText()).isEqualTo("main");
      assertThat(holders.path(0).path("borrowedAt").asLong())
          .isBetween(before - 95_250, after - 95_250);
      assertThat(holders.path(1).path("thread").asText()).isEqualTo("billing-worker-2");
      assertThat(holders.path(2).path("thread").asText()).isEqualTo("refund-worker-1");
      assertThat(holders.path(2).path("callSite").isNull()).isTrue();
      // The family row (the pool table's) lists the same holders.
      assertThat(pod.path("families").path(0).path("holders").path(0).path("thread").asText())
          .isEqualTo("billing-worker-1");
      // The database view's pod objects carry them too.
      JsonNode viaDb =
          http.json("/api/databases/postgresql_10.1.2.3_5432_billing")
              .path("services")
              .path(0)
              .path("pods")
              .path(0)
              .path("pools")
              .path(0)
              .path("holders");
      assertThat(viaDb).hasSize(3);

      String metrics = new String(http.get("/metrics").body(), StandardCharsets.UTF_8);
      assertThat(metrics).doesNotContain("billing-worker").doesNotContain("holder");

      // The next export names one holder: the others were returned.
      assertThat(
              http.postProto(
                      "/v1/metrics",
                      pod()
                          .addGauge(
                              "poolscope.connection.holder.age",
                              105.25,
                              holder("billing-worker-1", "1", SITE))
                          .request())
                  .statusCode())
          .isEqualTo(200);
      assertThat(http.json("/api/pods/billing-1").path("pools").path(0).path("holders")).hasSize(1);
      // And an export naming none: nobody holds a connection.
      assertThat(http.postProto("/v1/metrics", pod().request()).statusCode()).isEqualTo(200);
      assertThat(http.json("/api/pods/billing-1").path("pools").path(0).path("holders")).isEmpty();
    }
  }

  @Test
  void holdersBeyondTheBoundsAreRejectedAndTheOldestFiveKept() throws Exception {
    try (Collector c = start()) {
      Http http = new Http(c);
      Otlp.Pod export = pod();
      for (int i = 1; i <= 7; i++) {
        export.addGauge(
            "poolscope.connection.holder.age", i, holder("worker-" + i, Integer.toString(i), SITE));
      }
      export
          .addGauge("poolscope.connection.holder.age", 500, holder("x".repeat(257), "8", SITE))
          .addGauge(
              "poolscope.connection.holder.age", 600, holder("long-site", "9", "a".repeat(2049)));
      var resp = http.postProto("/v1/metrics", export.request());
      assertThat(resp.statusCode()).isEqualTo(200);
      ExportMetricsServiceResponse r = ExportMetricsServiceResponse.parseFrom(resp.body());
      // Two holders dropped as the youngest, one name and one stack over their bounds.
      assertThat(r.getPartialSuccess().getRejectedDataPoints()).isEqualTo(4);

      JsonNode holders = http.json("/api/pods/billing-1").path("pools").path(0).path("holders");
      List<String> threads = new ArrayList<>();
      holders.forEach(h -> threads.add(h.path("thread").asText()));
      assertThat(threads)
          .containsExactly("worker-7", "worker-6", "worker-5", "worker-4", "worker-3");
    }
  }
}
