package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alerts engine wired in: samples each interval, notifications, history through the store. */
class AlertingTest {
  static final String DB = "127.0.0.1:5432/jobs";
  static final String ID = "postgresql_127.0.0.1_5432_jobs";

  @TempDir Path dir;

  @Test
  void leakFiresTheDefaultRuleNotifiesAndIsKeptInHistory() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhook.createContext(
        "/hook",
        ex -> {
          received.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    webhook.start();
    try (Collector c =
        Collector.start(
            CollectorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .exportInterval(Duration.ofMillis(200))
                .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
                .notifiers(
                    List.of(
                        new CollectorConfig.Notifier(
                                "hook",
                                "webhook",
                                "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook",
                                null,
                                null,
                                null)
                            .withGrouping(null, Duration.ZERO, null, null)))
                .build())) {
      Http http = new Http(c);
      Otlp.Pod pod = Otlp.pod("jobs", "jobs-1").pool(DB, "jobs-pool", 1, 1, 5, 0).open(DB, 2);
      http.postProto("/v1/metrics", pod.request());
      // The pod keeps reporting: a leak alert lasts only as long as its pod does.
      java.util.concurrent.ScheduledExecutorService agent =
          java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
      agent.scheduleAtFixedRate(
          () -> http.postProto("/v1/metrics", pod.request()),
          100,
          100,
          java.util.concurrent.TimeUnit.MILLISECONDS);
      http.post(
          "/v1/logs",
          Otlp.leak(pod, DB, "jobs-pool", "suspected", "com.example.Job.run(Job.java:57)")
              .toByteArray(),
          "Content-Type",
          "application/x-protobuf");

      Http.await(
          Duration.ofSeconds(30),
          () -> !received.isEmpty(),
          () -> http.json("/api/alerts").toString());
      assertThat(received.get(0))
          .contains("PoolscopeConnectionLeak")
          .contains("com.example.Job.run(Job.java:57)");

      JsonNode alerts = http.json("/api/alerts");
      JsonNode active = alerts.get("active").get(0);
      assertThat(active.get("rule").asText()).isEqualTo("PoolscopeConnectionLeak");
      assertThat(active.get("state").asText()).isEqualTo("firing");
      assertThat(active.get("labels").get("db").asText()).isEqualTo(ID);
      Http.await(
          Duration.ofSeconds(30),
          () -> http.json("/api/alerts").get("history").get(0).get("deliveries").size() == 1,
          () -> http.json("/api/alerts").toString());
      JsonNode entry = http.json("/api/alerts").get("history").get(0);
      assertThat(entry.get("event").asText()).isEqualTo("firing");
      assertThat(entry.get("deliveries").get(0).get("target").asText()).isEqualTo("hook");
      assertThat(entry.get("deliveries").get(0).get("status").asText()).isEqualTo("delivered");

      JsonNode db = http.json("/api/overview").get("databases").get(0);
      // A leak alert does not colour the budget: no limit is known, so its state is unknown.
      assertThat(db.get("state").asText()).isEqualTo("unknown");
      assertThat(db.get("alertState").asText()).isEqualTo("ok");
      assertThat(http.json("/api/overview").get("alerts").get("firing").asInt()).isEqualTo(1);
      JsonNode events = http.json("/api/history?db=" + ID).get("events");
      assertThat(events.get(0).get("kind").asText()).isEqualTo("alert");
      assertThat(events.get(0).get("text").asText()).isEqualTo("PoolscopeConnectionLeak firing");
      assertThat(new String(http.get("/metrics").body(), StandardCharsets.UTF_8))
          .contains("poolscope_connection_leaks_recent{db=\"" + ID + "\",service=\"jobs\"");
      agent.shutdownNow();
    } finally {
      webhook.stop(0);
    }
  }

  @Test
  void invalidRuleFileStopsStartUpNamingTheLine() throws Exception {
    Path rules = dir.resolve("rules.yml");
    Files.writeString(
        rules, "groups:\n  - name: x\n    rules:\n      - alert: A\n        expr: 'sum('\n");
    CollectorConfig config =
        CollectorConfig.builder()
            .port(0)
            .storeUrl("jdbc:h2:file:" + dir.resolve("store2"))
            .alertRules(rules)
            .build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Collector.start(config))
        .hasMessageContaining("alerts.rules")
        .hasMessageContaining("rules.yml");
  }
}
