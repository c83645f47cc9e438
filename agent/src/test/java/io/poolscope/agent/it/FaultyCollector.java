package io.poolscope.agent.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A collector whose behaviour a test switches; "down" is no listener on the port at all. Records
 * when each request arrived, whatever it was answered, so tests can see the agent's pacing.
 */
final class FaultyCollector implements AutoCloseable {
  /** What the fake collector does with a request. */
  enum Mode {
    OK,
    SLOW,
    ERROR_500,
    ERROR_429
  }

  final List<ExportMetricsServiceRequest> metrics = new CopyOnWriteArrayList<>();
  final List<ExportLogsServiceRequest> logs = new CopyOnWriteArrayList<>();

  /** {@code System.nanoTime()} at the arrival of every metrics request, answered or not. */
  final List<Long> metricsArrivals = new CopyOnWriteArrayList<>();

  final AtomicInteger logsRequests = new AtomicInteger();
  final ExecutorService pool = Executors.newCachedThreadPool();
  volatile Mode mode = Mode.OK;

  /** The Retry-After header sent with 429s. */
  volatile String retryAfter = "1";

  final int port;
  private HttpServer server;

  FaultyCollector() throws IOException {
    server = create(0);
    port = server.getAddress().getPort();
  }

  private HttpServer create(int p) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", p), 50);
    s.setExecutor(pool);
    s.createContext("/v1/metrics", ex -> handle(ex, true));
    s.createContext("/v1/logs", ex -> handle(ex, false));
    s.start();
    return s;
  }

  private void handle(HttpExchange ex, boolean isMetrics) throws IOException {
    if (isMetrics) {
      metricsArrivals.add(System.nanoTime());
    } else {
      logsRequests.incrementAndGet();
    }
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readAllBytes();
    }
    Mode m = mode;
    switch (m) {
      case SLOW -> {
        try {
          Thread.sleep(30_000); // the fault itself: an answer that takes 30 s
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        ex.sendResponseHeaders(503, -1);
      }
      case ERROR_500 -> ex.sendResponseHeaders(500, -1);
      case ERROR_429 -> {
        ex.getResponseHeaders().add("Retry-After", retryAfter);
        ex.sendResponseHeaders(429, -1);
      }
      default -> {
        if (isMetrics) {
          metrics.add(ExportMetricsServiceRequest.parseFrom(body));
        } else {
          logs.add(ExportLogsServiceRequest.parseFrom(body));
        }
        ex.sendResponseHeaders(200, -1);
      }
    }
    ex.close();
  }

  void down() {
    server.stop(0);
  }

  void up() throws IOException {
    server = create(port);
  }

  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  Telemetry telemetry() {
    return new Telemetry(new ArrayList<>(metrics), new ArrayList<>(logs));
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
