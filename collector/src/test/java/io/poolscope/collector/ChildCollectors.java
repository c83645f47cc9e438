package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fixture of the tests that run collectors as child JVMs and kill them: their configuration
 * file, a recording webhook receiver, an agent that exports on a schedule, and plain HTTP to the
 * children. Registered as a JUnit extension, it stops everything it started after each test,
 * children by their process, and deletes its files.
 */
final class ChildCollectors implements AutoCloseable, AfterEachCallback {
  /** One notification the webhook received, with the time it arrived. */
  record Hook(long millis, String body) {}

  private Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  /** A temporary directory of this test's files (configuration, rules, H2 stores), made once. */
  Path dir() throws IOException {
    if (dir == null) {
      dir = Files.createTempDirectory("poolscope-child");
    }
    return dir;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    close();
  }

  /** Starts a child collector on {@code config}; it is killed at {@link #close()}. */
  ChildCollector start(Path config) throws IOException {
    ChildCollector c = ChildCollector.start(config);
    open.add(c);
    return c;
  }

  /** Keeps {@code c} to be closed with the fixture (before what was kept earlier). */
  <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  /** A loopback webhook receiver recording every notification. */
  static final class Webhook {
    final List<Hook> received = new CopyOnWriteArrayList<>();
    final String url;

    private Webhook(String url) {
      this.url = url;
    }
  }

  /** Starts a webhook receiver on a free port. */
  Webhook webhook() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    Webhook hook = new Webhook("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    server.createContext(
        "/hook",
        ex -> {
          hook.received.add(
              new Hook(
                  System.currentTimeMillis(),
                  new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    server.start();
    open.add(() -> server.stop(0));
    return hook;
  }

  /**
   * Writes {@code collector.yaml}: loopback on a free port, a 1 s export interval, the store lines
   * given (indented under {@code store:}), and, with a webhook, one rule {@code UsedHigh} (any
   * service using more than 4 connections for {@code forSeconds}) notifying it at once.
   */
  Path config(List<String> store, Webhook hook, long forSeconds) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.addAll(
        List.of("server:", "  host: 127.0.0.1", "  port: 0", "fleet:", "  exportInterval: 1s"));
    lines.add("store:");
    store.forEach(l -> lines.add("  " + l));
    if (hook != null) {
      Path rules = usedHigh(dir().resolve("rules.yml"), forSeconds + "s");
      lines.addAll(
          List.of(
              "alerts:",
              "  rules: " + rules,
              "  notifiers:",
              "    - name: hook",
              "      type: webhook",
              "      url: " + hook.url,
              "      groupWait: 0s",
              "      groupInterval: 1s"));
    }
    Path config = dir().resolve("collector.yaml");
    Files.writeString(config, String.join("\n", lines) + "\n");
    return config;
  }

  /** Writes a rule file of one rule, {@code UsedHigh}: a service using more than 4 connections. */
  static Path usedHigh(Path file, String forDuration) throws IOException {
    Files.writeString(
        file,
        String.join(
            "\n",
            "groups:",
            "  - name: used",
            "    rules:",
            "      - alert: UsedHigh",
            "        expr: sum by (service) (poolscope_pool_connections_used) > 4",
            "        for: " + forDuration,
            ""));
    return file;
  }

  /** Runs {@code export} every {@code periodMillis} until {@link #close()}: an agent's schedule. */
  void every(long periodMillis, Runnable export) {
    ScheduledExecutorService agent = Executors.newSingleThreadScheduledExecutor();
    open.add(agent::shutdownNow);
    agent.scheduleAtFixedRate(export, 0, periodMillis, TimeUnit.MILLISECONDS);
  }

  /** POSTs protobuf; the status, or -1 when the collector did not answer (killed, not started). */
  int post(int port, String path, byte[] body) {
    try {
      return client
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .header("Content-Type", "application/x-protobuf")
                  .timeout(Duration.ofSeconds(5))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1; // an agent keeps the export and retries
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** GETs JSON, which must come with a 200. */
  JsonNode get(int port, String path) {
    try {
      HttpResponse<byte[]> r =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode())
          .as(() -> path + ": " + new String(r.body(), StandardCharsets.UTF_8))
          .isEqualTo(200);
      return Http.parse(r.body());
    } catch (IOException e) {
      throw new AssertionError("GET " + path + " on port " + port + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Stops everything, newest first (agents before the collectors they send to), and deletes the
   * directory.
   */
  @Override
  public void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    open.clear();
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(f);
        }
      }
      dir = null;
    }
  }
}
