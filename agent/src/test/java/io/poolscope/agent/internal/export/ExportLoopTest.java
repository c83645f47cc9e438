package io.poolscope.agent.internal.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.sdk.resources.Resource;
import io.poolscope.agent.internal.leak.EventBuffer;
import io.poolscope.agent.internal.leak.LeakEvent;
import io.poolscope.agent.internal.leak.LeakScanner;
import io.poolscope.agent.internal.record.Hub;
import io.poolscope.agent.internal.record.PhysicalTracker;
import io.poolscope.agent.internal.record.Registry;
import io.poolscope.agent.internal.target.DbTarget;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What one export does with the buffered leak events for each kind of collector answer. Runs the
 * loop's final export (the one {@code shutdown()} makes) against a real HTTP server.
 */
class ExportLoopTest {
  private HttpServer server;
  private final AtomicInteger metricsRequests = new AtomicInteger();
  private final List<Integer> logsBatchSizes = new CopyOnWriteArrayList<>();
  private final List<Long> delivered = new CopyOnWriteArrayList<>();
  private final Registry registry = new Registry();

  @AfterEach
  void stop() {
    server.stop(0);
  }

  /** Starts a collector: metrics get {@code metricsStatus}, logs the status for their size. */
  private ExportLoop loopAgainst(int metricsStatus, IntUnaryOperator logsStatus, EventBuffer events)
      throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/metrics",
        ex -> {
          ex.getRequestBody().readAllBytes();
          metricsRequests.incrementAndGet();
          ex.sendResponseHeaders(metricsStatus, -1);
          ex.close();
        });
    server.createContext(
        "/v1/logs",
        ex -> {
          ExportLogsServiceRequest r = ExportLogsServiceRequest.parseFrom(ex.getRequestBody());
          List<Long> ids = new java.util.ArrayList<>();
          for (ResourceLogs rl : r.getResourceLogsList()) {
            for (ScopeLogs sl : rl.getScopeLogsList()) {
              for (LogRecord lr : sl.getLogRecordsList()) {
                lr.getAttributesList().stream()
                    .filter(a -> a.getKey().equals("poolscope.lease.id"))
                    .forEach(a -> ids.add(Long.parseLong(a.getValue().getStringValue(), 16)));
              }
            }
          }
          logsBatchSizes.add(ids.size());
          int status = logsStatus.applyAsInt(ids.size());
          if (status == 200) {
            delivered.addAll(ids);
          }
          ex.sendResponseHeaders(status, -1);
          ex.close();
        });
    server.start();
    OtlpSender sender =
        new OtlpSender(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
            null,
            Duration.ofSeconds(5));
    return new ExportLoop(
        registry,
        new PhysicalTracker(),
        new LeakScanner(registry, events, 1_000_000_000L, 0),
        events,
        sender,
        Resource.empty(),
        "test",
        10_000,
        1_000,
        BackoffPolicy.defaultCapMillis(10_000),
        () -> {});
  }

  private static EventBuffer buffer(int n) {
    EventBuffer b = new EventBuffer(Math.max(1000, n));
    DbTarget target = new DbTarget("h2", null, -1, "mem");
    for (int i = 1; i <= n; i++) {
      b.add(new LeakEvent("suspected", "pool", target, "t", 1.5, i, null, null, i));
    }
    return b;
  }

  @Test
  void tooLargeHalvesTheBatchUntilTheCollectorTakesIt() throws Exception {
    EventBuffer events = buffer(300);
    // A body limit that fits 100 events.
    ExportLoop loop = loopAgainst(200, n -> n > 100 ? 413 : 200, events);
    loop.shutdown();
    assertThat(logsBatchSizes).containsExactly(300, 150, 75, 75, 75, 75);
    assertThat(delivered).hasSize(300).doesNotHaveDuplicates();
    assertThat(events.peek(1)).isEmpty();
  }

  @Test
  void theBatchGrowsBackAfterEightFullBatchesAreAccepted() throws Exception {
    EventBuffer events = buffer(3000);
    AtomicInteger logsRequests = new AtomicInteger();
    // Only the first request is too large (a collector that briefly had a lower limit).
    ExportLoop loop =
        loopAgainst(200, n -> logsRequests.incrementAndGet() == 1 ? 413 : 200, events);
    loop.shutdown();
    assertThat(logsBatchSizes)
        .containsExactly(500, 250, 250, 250, 250, 250, 250, 250, 250, 500, 500);
    assertThat(delivered).hasSize(3000).doesNotHaveDuplicates();
  }

  @Test
  void refusedEventsLeaveTheBufferSoTheyCannotBlockIt() throws Exception {
    EventBuffer events = buffer(3);
    ExportLoop loop = loopAgainst(200, n -> 400, events);
    loop.shutdown();
    assertThat(logsBatchSizes).containsExactly(3);
    assertThat(events.peek(10)).isEmpty();
  }

  @Test
  void failedEventsStayBufferedForTheNextExport() throws Exception {
    EventBuffer events = buffer(3);
    ExportLoop loop = loopAgainst(200, n -> 503, events);
    loop.shutdown();
    assertThat(logsBatchSizes).containsExactly(3);
    assertThat(events.peek(10)).hasSize(3);
  }

  @Test
  void failingMetricsAreOneRequestPerAttemptAndKeepTheEvents() throws Exception {
    EventBuffer events = buffer(3);
    ExportLoop loop = loopAgainst(500, n -> 200, events);
    loop.shutdown();
    assertThat(metricsRequests.get()).isEqualTo(1);
    assertThat(logsBatchSizes).isEmpty();
    assertThat(events.peek(10)).hasSize(3);
  }

  @Test
  void refusedMetricsDoNotHoldBackTheEvents() throws Exception {
    EventBuffer events = buffer(3);
    ExportLoop loop = loopAgainst(400, n -> 200, events);
    loop.shutdown();
    assertThat(delivered).containsExactly(1L, 2L, 3L);
    assertThat(events.peek(10)).isEmpty();
  }

  @Test
  void failingExportsKeepOnlyTheNewestClosedPools() throws Exception {
    Hub hub = new Hub(registry, new PhysicalTracker(), false, 0);
    for (int i = 0; i < ExportLoop.MAX_CLOSED_POOLS_KEPT + 6; i++) {
      JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:mem:job", "sa", "");
      Object conn = new Object();
      hub.leaseExit(hub.leaseEnter(pool), conn, null);
      hub.closeExit(hub.closeEnter(conn), conn, null);
      hub.poolClosed(pool);
    }
    ExportLoop loop = loopAgainst(503, n -> 200, buffer(0));
    loop.shutdown();
    assertThat(metricsRequests.get()).isEqualTo(1);
    assertThat(registry.recorders()).hasSize(ExportLoop.MAX_CLOSED_POOLS_KEPT);
  }
}
