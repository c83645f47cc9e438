package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The collector as a child JVM on an H2 file store, killed with SIGKILL while agents keep sending,
 * then started again on the same file: the store opens, every leak event acknowledged with a 200
 * and every history point served before the kill is still there, and ingest works again for the
 * same agents without any action on their side.
 */
class KillDuringIngestTest {
  static final String DB = "10.1.2.3:5432/orders";
  static final String DB_ID = "postgresql_10.1.2.3_5432_orders";

  final long testStart = System.currentTimeMillis() - 5_000;
  @RegisterExtension final ChildCollectors children = new ChildCollectors();

  @Test
  void killedCollectorRestartsOnItsStoreWithEverythingItAcknowledged() throws Exception {
    Path config =
        children.config(
            List.of("url: jdbc:h2:file:" + children.dir().resolve("store"), "historyStep: 1s"),
            null,
            0);
    ChildCollector first = children.start(config);
    Feeder feeder = new Feeder(first.port);
    Thread feed = new Thread(feeder, "feeder");
    feed.setDaemon(true);
    feed.start();
    try {
      // Enough history and acknowledged leaks that a lost write could not hide.
      Http.await(
          Duration.ofSeconds(60),
          () -> historyPoints(first.port).size() >= 4 && feeder.acked.size() >= 40,
          () -> "history " + historyPoints(first.port).size() + ", leaks " + feeder.acked.size());
      Set<List<Double>> historyBefore = historyPoints(first.port);
      // Let the feeder go on so that the kill lands in the middle of requests.
      int ackedAtSnapshot = feeder.acked.size();
      Http.await(
          Duration.ofSeconds(30),
          () -> feeder.acked.size() >= ackedAtSnapshot + 10,
          () -> "leaks acknowledged " + feeder.acked.size());
      first.kill();
      assertThat(first.process.isAlive()).isFalse();
      Set<String> ackedBeforeKill = new HashSet<>(feeder.acked);

      ChildCollector second = children.start(config);
      int failuresWhileDown = feeder.failures.get();
      feeder.port = second.port;
      // The same agents get through again without doing anything special.
      Http.await(
          Duration.ofSeconds(30),
          () -> feeder.acked.size() >= ackedBeforeKill.size() + 5,
          () -> "leaks after restart " + feeder.acked.size());
      JsonNode leaks = get(second.port, "/api/leaks?limit=1000");
      Set<String> stored = new HashSet<>();
      leaks.forEach(l -> stored.add(l.get("leaseId").asText()));
      Set<String> lost = new HashSet<>(ackedBeforeKill);
      lost.removeAll(stored);
      assertThat(lost).as("leak events acknowledged before the kill but gone after it").isEmpty();
      Set<List<Double>> historyAfter = historyPoints(second.port);
      assertThat(historyAfter).containsAll(historyBefore);
      // New history is written on the reopened store.
      long restarted = System.currentTimeMillis();
      Http.await(
          Duration.ofSeconds(30),
          () -> historyPoints(second.port).stream().anyMatch(p -> p.get(0) > restarted),
          () -> "no history point after the restart");
      JsonNode db = get(second.port, "/api/databases/" + DB_ID).get("database");
      assertThat(db.get("open").asInt()).isEqualTo(5);
      assertThat(db.get("pods").asInt()).isEqualTo(1);
      System.out.printf(
          "KillDuringIngestTest: %d leaks acknowledged before the kill, all kept; %d history"
              + " points kept; %d requests failed while the collector was down%n",
          ackedBeforeKill.size(), historyBefore.size(), failuresWhileDown);
    } finally {
      feeder.stop.set(true);
      feed.join(10_000);
    }
  }

  /** One agent: pool figures every 100 ms and a numbered leak event with each. */
  final class Feeder implements Runnable {
    final Set<String> acked = ConcurrentHashMap.newKeySet();
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicInteger failures = new AtomicInteger();
    volatile int port;
    int next;

    Feeder(int port) {
      this.port = port;
    }

    @Override
    public void run() {
      Otlp.Pod pod = Otlp.pod("orders", "orders-1");
      byte[] metrics = pod.pool(DB, "main", 3, 2, 10, 0).open(DB, 5).request().toByteArray();
      while (!stop.get()) {
        String lease = Integer.toString(next++);
        // -1: the collector is down (killed, or not yet restarted); an agent retries later.
        if (children.post(port, "/v1/metrics", metrics) != 200
            || children.post(port, "/v1/logs", leak(pod, lease).toByteArray()) != 200) {
          failures.incrementAndGet();
        } else {
          acked.add(lease);
        }
        try {
          Thread.sleep(100); // the agent's export pace, not a wait for an outcome
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  static ExportLogsServiceRequest leak(Otlp.Pod pod, String lease) {
    ExportLogsServiceRequest base = Otlp.leak(pod, DB, "main", "suspected", "com.example.Job.run");
    LogRecord r =
        base.getResourceLogs(0).getScopeLogs(0).getLogRecords(0).toBuilder()
            .addAttributes(
                KeyValue.newBuilder()
                    .setKey("poolscope.lease.id")
                    .setValue(AnyValue.newBuilder().setStringValue(lease)))
            .build();
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(pod.resource())
                .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(r)))
        .build();
  }

  JsonNode get(int port, String path) {
    return children.get(port, path);
  }

  /** Every [time, value] of the "open" history series since the epoch. */
  Set<List<Double>> historyPoints(int port) {
    JsonNode h =
        get(
            port,
            "/api/history?db="
                + DB_ID
                + "&from="
                + testStart
                + "&to="
                + (System.currentTimeMillis() + 1000));
    Set<List<Double>> out = new HashSet<>();
    for (JsonNode s : h.get("series")) {
      if (s.get("name").asText().equals("open")) {
        s.get("points").forEach(p -> out.add(List.of(p.get(0).asDouble(), p.get(1).asDouble())));
      }
    }
    return out;
  }
}
