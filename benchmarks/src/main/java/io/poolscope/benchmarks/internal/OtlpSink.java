package io.poolscope.benchmarks.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * A loopback OTLP/HTTP endpoint that accepts every export and discards it, so the agents under
 * benchmark really export (their export cost is part of what is measured) while nothing leaves the
 * machine. It counts requests per path, which shows each agent did export.
 */
public final class OtlpSink implements AutoCloseable {

  private final HttpServer server;
  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> bytes = new ConcurrentHashMap<>();
  private final Map<String, String> firstHeaders = new ConcurrentHashMap<>();

  /** Starts the sink on an ephemeral loopback port. */
  public OtlpSink() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newSingleThreadExecutor(r -> daemon(r, "otlp-sink")));
    server.start();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private void handle(HttpExchange exchange) throws IOException {
    long n;
    try (InputStream in = exchange.getRequestBody()) {
      n = in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    String path = exchange.getRequestURI().getPath();
    requests.computeIfAbsent(path, p -> new LongAdder()).increment();
    bytes.computeIfAbsent(path, p -> new LongAdder()).add(n);
    firstHeaders.computeIfAbsent(
        path,
        p -> {
          var h = exchange.getRequestHeaders();
          return "Content-Type="
              + h.getFirst("Content-Type")
              + " Content-Encoding="
              + h.getFirst("Content-Encoding")
              + " User-Agent="
              + h.getFirst("User-Agent");
        });
    // An empty body is a valid, empty Export*ServiceResponse in protobuf: full success.
    exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
    exchange.sendResponseHeaders(200, -1);
    exchange.close();
  }

  /** Base URL of the sink, e.g. {@code http://127.0.0.1:40123}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Requests and bytes received per path so far, as "path: N requests, B bytes" lines. */
  public String report() {
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(requests)
        .forEach(
            (path, count) ->
                sb.append(
                    String.format(
                        "  %s: %d requests, %d bytes (first: %s)%n",
                        path, count.sum(), bytes.get(path).sum(), firstHeaders.get(path))));
    return sb.length() == 0 ? "  (nothing received)\n" : sb.toString();
  }

  /** Requests received on paths starting with the prefix. */
  public long requestsUnder(String prefix) {
    return requests.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .mapToLong(e -> e.getValue().sum())
        .sum();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
