package io.poolscope.agent.it;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real OTLP/HTTP endpoint on a loopback port: decodes what the agent sends with the official
 * protobuf classes and keeps every raw byte (to prove what never leaves the JVM).
 */
final class OtlpReceiver implements AutoCloseable {
  private final HttpServer server;
  final List<ExportMetricsServiceRequest> metrics = new CopyOnWriteArrayList<>();
  final List<ExportLogsServiceRequest> logs = new CopyOnWriteArrayList<>();
  final List<byte[]> raw = new CopyOnWriteArrayList<>();
  final List<String> authorization = new CopyOnWriteArrayList<>();

  /** W3C trace context headers on metrics requests: another agent tracing the agent's exports. */
  final List<String> traceparent = new CopyOnWriteArrayList<>();

  final AtomicBoolean down = new AtomicBoolean();

  /** Requests of either kind answered 503 while down. */
  final java.util.concurrent.atomic.AtomicInteger rejected =
      new java.util.concurrent.atomic.AtomicInteger();

  OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/metrics",
        ex -> {
          byte[] body = read(ex.getRequestBody());
          if (down.get()) {
            rejected.incrementAndGet();
            ex.sendResponseHeaders(503, -1);
            ex.close();
            return;
          }
          raw.add(body);
          authorization.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
          String trace = ex.getRequestHeaders().getFirst("traceparent");
          if (trace != null) {
            traceparent.add(trace);
          }
          metrics.add(ExportMetricsServiceRequest.parseFrom(body));
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    server.createContext(
        "/v1/logs",
        ex -> {
          byte[] body = read(ex.getRequestBody());
          if (down.get()) {
            rejected.incrementAndGet();
            ex.sendResponseHeaders(503, -1);
            ex.close();
            return;
          }
          raw.add(body);
          logs.add(ExportLogsServiceRequest.parseFrom(body));
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    server.start();
  }

  private static byte[] read(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  Telemetry telemetry() {
    return new Telemetry(new ArrayList<>(metrics), new ArrayList<>(logs));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
