package io.poolscope.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/** A real HTTP receiver on 127.0.0.1 and an ephemeral port that records every request. */
final class Receiver implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One received request. */
  record Request(
      String method,
      String path,
      Map<String, List<String>> headers,
      String body,
      long receivedNanos) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("body is not JSON: " + body, e);
      }
    }

    String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  /** Status codes to answer in turn; when empty, {@code defaultStatus}. */
  private final ConcurrentLinkedQueue<Integer> script = new ConcurrentLinkedQueue<>();

  private volatile int defaultStatus;
  private volatile java.util.concurrent.CountDownLatch hold =
      new java.util.concurrent.CountDownLatch(0);

  Receiver(int defaultStatus) throws IOException {
    this.defaultStatus = defaultStatus;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          byte[] in = ex.getRequestBody().readAllBytes();
          requests.add(
              new Request(
                  ex.getRequestMethod(),
                  ex.getRequestURI().getPath(),
                  Map.copyOf(ex.getRequestHeaders()),
                  new String(in, StandardCharsets.UTF_8),
                  System.nanoTime()));
          try {
            hold.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          Integer s = script.poll();
          int status = s == null ? this.defaultStatus : s;
          byte[] out =
              (status / 100 == 2 ? "ok" : "receiver says no").getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(status, out.length);
          ex.getResponseBody().write(out);
          ex.close();
        });
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
  }

  /** Answers the next requests with these statuses, then with the default again. */
  Receiver thenAnswer(int... statuses) {
    for (int s : statuses) {
      script.add(s);
    }
    return this;
  }

  /** Holds every response until {@link #release()}: a receiver that hangs. */
  void holdResponses() {
    hold = new java.util.concurrent.CountDownLatch(1);
  }

  void release() {
    hold.countDown();
  }

  void setDefaultStatus(int status) {
    this.defaultStatus = status;
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  List<Request> requests() {
    return new ArrayList<>(requests);
  }

  @Override
  public void close() {
    release();
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
