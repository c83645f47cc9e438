package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leak notification counts the pods and pools it covers: the default leak rule sums the pods of
 * one call site into one alert, and the log notifier's line says how many there were.
 */
class LeakNotificationCoverageTest {
  static final String DB = "127.0.0.1:5432/payments";
  static final String SITE = "com.acme.ReconciliationJob.runOnce(ReconciliationJob.java:57)";

  @TempDir Path dir;

  @Test
  void firstLeakLineCountsEveryPodThatLeakedAtTheCallSite() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            lines.add(r.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger alertsLog = Logger.getLogger("io.poolscope.alerts");
    alertsLog.addHandler(capture);
    ScheduledExecutorService agents = Executors.newSingleThreadScheduledExecutor();
    try (Collector c =
        Collector.start(
            CollectorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .exportInterval(Duration.ofMillis(200))
                .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
                .notifiers(
                    List.of(
                        new CollectorConfig.Notifier("log", "log", null, null, null, null)
                            .withGrouping(List.of("db", "service"), Duration.ZERO, null, null)))
                .build())) {
      Http http = new Http(c);
      List<Otlp.Pod> pods =
          List.of(
              Otlp.pod("payments", "payments-v2-a").pool(DB, "main", 1, 1, 4, 0).open(DB, 2),
              Otlp.pod("payments", "payments-v2-b").pool(DB, "main", 1, 1, 4, 0).open(DB, 2),
              Otlp.pod("payments", "payments-v2-c").pool(DB, "main", 1, 1, 4, 0).open(DB, 2));
      for (Otlp.Pod p : pods) {
        assertThat(http.postProto("/v1/metrics", p.request()).statusCode()).isEqualTo(200);
      }
      // The pods keep reporting: a leak alert lasts only as long as its pods do.
      agents.scheduleAtFixedRate(
          () -> pods.forEach(p -> http.postProto("/v1/metrics", p.request())),
          100,
          100,
          TimeUnit.MILLISECONDS);
      // Two of the three leak at one call site, in one export, so the first evaluation sees both.
      ExportLogsServiceRequest.Builder leaks = ExportLogsServiceRequest.newBuilder();
      for (Otlp.Pod p : pods.subList(0, 2)) {
        leaks.addAllResourceLogs(Otlp.leak(p, DB, "main", "suspected", SITE).getResourceLogsList());
      }
      assertThat(
              http.post(
                      "/v1/logs",
                      leaks.build().toByteArray(),
                      "Content-Type",
                      "application/x-protobuf")
                  .statusCode())
          .isEqualTo(200);

      Http.await(
          Duration.ofSeconds(30),
          () -> lines.stream().anyMatch(l -> l.contains("PoolscopeConnectionLeak")),
          lines::toString);
      String first =
          lines.stream().filter(l -> l.contains("PoolscopeConnectionLeak")).findFirst().get();
      assertThat(first)
          .contains("group={db=postgresql_127.0.0.1_5432_payments, service=payments}")
          .contains("firing=1 resolved=0 pods=2 pools=2")
          .contains(SITE);
    } finally {
      agents.shutdownNow();
      alertsLog.removeHandler(capture);
    }
  }
}
