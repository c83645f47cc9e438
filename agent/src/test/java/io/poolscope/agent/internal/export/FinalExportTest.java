package io.poolscope.agent.internal.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.sdk.resources.Resource;
import io.poolscope.agent.internal.leak.EventBuffer;
import io.poolscope.agent.internal.leak.LeakScanner;
import io.poolscope.agent.internal.record.PhysicalTracker;
import io.poolscope.agent.internal.record.Registry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The export the agent's shutdown hook makes: it says the JVM is exiting, and never holds it. */
class FinalExportTest {
  private final HttpServer server;
  private final List<ExportMetricsServiceRequest> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile boolean hang;

  FinalExportTest() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/metrics",
        ex -> {
          byte[] body = ex.getRequestBody().readAllBytes();
          if (hang) {
            try {
              release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          received.add(ExportMetricsServiceRequest.parseFrom(body));
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  private ExportLoop loop(Duration requestTimeout, long intervalMillis) {
    Registry registry = new Registry();
    EventBuffer events = new EventBuffer(10);
    OtlpSender sender =
        new OtlpSender(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort()), null, requestTimeout);
    return new ExportLoop(
        registry,
        new PhysicalTracker(),
        new LeakScanner(registry, events, 1_000_000_000L, 0),
        events,
        sender,
        Resource.empty(),
        "test",
        intervalMillis,
        1_000,
        BackoffPolicy.defaultCapMillis(intervalMillis),
        () -> {});
  }

  private static List<Metric> exiting(ExportMetricsServiceRequest r) {
    return r.getResourceMetricsList().stream()
        .flatMap(rm -> rm.getScopeMetricsList().stream())
        .flatMap(sm -> sm.getMetricsList().stream())
        .filter(m -> m.getName().equals("poolscope.agent.exiting"))
        .toList();
  }

  @Test
  void onlyTheFinalExportSaysTheJvmIsExiting() throws Exception {
    ExportLoop loop = loop(Duration.ofSeconds(5), 50);
    loop.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (received.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    loop.shutdown(Duration.ofSeconds(5));

    assertThat(received.size()).isGreaterThanOrEqualTo(3);
    for (ExportMetricsServiceRequest r : received.subList(0, received.size() - 1)) {
      assertThat(exiting(r)).isEmpty();
    }
    List<Metric> last = exiting(received.get(received.size() - 1));
    assertThat(last).singleElement();
    Metric m = last.get(0);
    assertThat(m.getUnit()).isEqualTo("{process}");
    assertThat(m.getGauge().getDataPointsList()).singleElement();
    assertThat(m.getGauge().getDataPoints(0).getAsInt()).isEqualTo(1);
    assertThat(m.getGauge().getDataPoints(0).getAttributesList()).isEmpty();
  }

  @Test
  void aCollectorThatDoesNotAnswerHoldsTheExitOnlyForTheBound() {
    hang = true;
    // The request itself would wait 20 s for its answer.
    ExportLoop loop = loop(Duration.ofSeconds(20), 10_000);
    long start = System.nanoTime();
    loop.shutdown(Duration.ofMillis(300));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(tookMillis).isLessThan(5_000);
    assertThat(received).isEmpty();
  }
}
