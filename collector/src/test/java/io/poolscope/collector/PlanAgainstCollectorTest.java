package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.poolscope.collector.internal.plan.Manifests;
import io.poolscope.collector.internal.plan.PlanCommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code poolscope plan --collector} and {@code POST /api/plan} against a real collector on port 0,
 * fed OTLP like an agent: payments pods run 4 workers with a pool of 10 each, and one of them a
 * background job's pool of 10 that the manifests never mention; a reports service on another
 * database of the same server holds a pool of 5.
 */
class PlanAgainstCollectorTest {
  static final String PAYMENTS_DB = "pg.prod:5432/payments";
  static final String REPORTS_DB = "pg.prod:5432/reports";

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
                .exportInterval(Duration.ofSeconds(60))
                .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
                .databases(
                    List.of(
                        new CollectorConfig.Database(
                            "postgresql_pg.prod_5432_payments", 500, 3, null, null, null)))
                .build());
    http = new Http(collector);
    for (String pod : List.of("payments-7d9f-a", "payments-7d9f-b")) {
      for (int worker = 0; worker < 4; worker++) {
        Otlp.Pod jvm =
            Otlp.pod("payments", pod + "-w" + worker)
                .inPod(pod)
                .pool(PAYMENTS_DB, "HikariPool-1", 2, 8, 10, 0);
        if (worker == 0) {
          jvm.pool(PAYMENTS_DB, "job-pool", 1, 9, 10, 0);
        }
        assertThat(http.postProto("/v1/metrics", jvm.request()).statusCode()).isEqualTo(200);
      }
    }
    Otlp.Pod reports =
        Otlp.pod("reports", "reports-0").pool(REPORTS_DB, "reports-pool", 1, 4, 5, 0);
    assertThat(http.postProto("/v1/metrics", reports.request()).statusCode()).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    collector.close();
  }

  @Test
  void undeclaredSecondPoolFromTheFleetIsFoundAndCounted() throws Exception {
    Path manifests = Files.writeString(dir.resolve("payments.yaml"), Manifests.INCIDENT);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        PlanCommand.run(
            new String[] {
              "--collector",
              "http://127.0.0.1:" + collector.port(),
              "--format",
              "json",
              manifests.toString()
            },
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            name -> null);

    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(status).isEqualTo(PlanCommand.DOES_NOT_FIT);
    JsonNode server = Http.parse(out.toByteArray()).get("servers").get(0);
    // The limit comes from the collector (its configuration here; a probe's when it has one).
    assertThat(server.get("server").asText()).isEqualTo("pg.prod:5432");
    assertThat(server.get("usable").asInt()).isEqualTo(497);
    assertThat(server.get("limitSource").asText()).isEqualTo("config");
    JsonNode payments = server.get("services").get(0);
    assertThat(payments.get("service").asText()).isEqualTo("payments");
    // 4 declared pools per pod (4 workers) plus the job pool the live pods run: 20 x 50.
    assertThat(payments.get("poolsPerPod").asInt()).isEqualTo(5);
    assertThat(payments.get("connectionsAtRollout").asLong()).isEqualTo(1000);
    JsonNode job = payments.get("pools").get(1);
    assertThat(job.get("name").asText()).isEqualTo("job-pool");
    assertThat(job.get("max").asInt()).isEqualTo(10);
    assertThat(job.get("perPod").asInt()).isEqualTo(1);
    assertThat(job.get("source").asText()).isEqualTo("fleet");
    // reports is on another database of the same server: it shares the 497.
    JsonNode reports = server.get("services").get(1);
    assertThat(reports.get("service").asText()).isEqualTo("reports");
    assertThat(reports.get("planned").asBoolean()).isFalse();
    assertThat(reports.get("connectionsAtRollout").asLong()).isEqualTo(5);
    assertThat(server.get("connectionsAtRollout").asLong()).isEqualTo(1005);
    // floor((497 - 5) / (20 pods x 5 pools)) = 4
    assertThat(payments.get("suggestedPoolMax").asInt()).isEqualTo(4);
  }

  @Test
  void postPlanAnswersTheChangeWithTableAndVerdict() {
    HttpResponse<byte[]> r =
        http.post(
            "/api/plan",
            "{\"service\":\"payments\",\"replicas\":30,\"poolMax\":3,\"maxSurge\":0}"
                .getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "application/json");

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode plan = Http.parse(r.body());
    JsonNode server = plan.get("servers").get(0);
    JsonNode payments = server.get("services").get(0);
    assertThat(payments.get("source").asText()).isEqualTo("change");
    assertThat(payments.get("replicas").toString())
        .isEqualTo("{\"now\":30,\"ceiling\":30,\"rollout\":30}");
    // Each live pod holds 5 pools (4 workers' and the job's), every one now at max 3: 30 x 15.
    assertThat(payments.get("poolsPerPod").asInt()).isEqualTo(5);
    assertThat(payments.get("connectionsAtRollout").asLong()).isEqualTo(450);
    assertThat(server.get("connectionsAtRollout").asLong()).isEqualTo(455);
    assertThat(plan.get("fits").asBoolean()).isTrue();
    assertThat(payments.get("suggestedPoolMax").asInt()).isEqualTo(3);
  }

  @Test
  void postPlanDefaultsToKubernetesQuarterSurgeAndAnswersMarkdown() {
    HttpResponse<byte[]> r =
        http.post(
            "/api/plan?format=markdown",
            "{\"service\":\"payments\",\"replicas\":20}".getBytes(StandardCharsets.UTF_8));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    // 20 + ceil(25 % of 20) = 25 pods x 50 = 1250, + reports' 5.
    assertThat(new String(r.body(), StandardCharsets.UTF_8))
        .startsWith("### ❌ Poolscope plan: does NOT fit")
        .contains("1255 connections at the rollout peak")
        .contains("| payments | 20/20/25 | 5 | 10 | 1000 | 1250 |");
  }

  @Test
  void badChangeIs400WithOneLineAndStoresNothing() {
    String before = overviewWithoutTime();
    for (String[] bad :
        new String[][] {
          {"{\"service\":\"payments\",\"replicas\":\"many\"}", "replicas: must be a whole number"},
          {"{\"service\":\"nobody\"}", "service: no live service 'nobody' holds pools"},
          {"{\"service\":\"payments\",\"poolMax\":0}", "poolMax: must be a whole number from 1"},
          {"{\"service\":\"payments\",\"maxSurge\":\"lots\"}", "maxSurge: maxSurge 'lots' is"},
          {"{\"service\":\"payments\",\"colour\":1}", "colour: unknown field"},
          {"[1,2", "body is not JSON"},
        }) {
      HttpResponse<byte[]> r = http.post("/api/plan", bad[0].getBytes(StandardCharsets.UTF_8));
      JsonNode e = Http.parse(r.body());
      assertThat(r.statusCode()).as(bad[0]).isEqualTo(400);
      assertThat(e.get("error").asText()).isEqualTo("bad_request");
      assertThat(e.get("message").asText()).as(bad[0]).startsWith(bad[1]).doesNotContain("\n");
    }
    assertThat(overviewWithoutTime()).isEqualTo(before);
  }

  private String overviewWithoutTime() {
    JsonNode o = http.json("/api/overview");
    return o.get("databases").toString() + o.get("services");
  }
}
