package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolscope.collector.internal.limits.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow uploads over real sockets against a real collector: they hold at most the bound of bodies,
 * the rest are refused at once with Retry-After, reads and the health check keep answering, and a
 * stalled or trickling body is ended by the read timeout or the body deadline.
 */
class IngestSaturationTest {
  static final int BODIES = 4;

  @TempDir Path dir;
  Collector collector;
  Http http;
  final List<Socket> sockets = new ArrayList<>();

  void start(long bytesInFlight) {
    start(bytesInFlight, Duration.ofSeconds(1), Duration.ofSeconds(3));
  }

  void start(long bytesInFlight, Duration readTimeout, Duration deadline) {
    collector =
        Collector.start(
            CollectorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
                .build(),
            System::currentTimeMillis,
            new Limits(
                BODIES, bytesInFlight, Duration.ofSeconds(1), Duration.ofSeconds(3), 1000, 10, 50));
    http = new Http(collector);
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    if (collector != null) {
      collector.close();
    }
  }

  /** A socket that announced {@code length} bytes of body and sent {@code sent} of them. */
  Socket slowUpload(long length, int sent) throws IOException {
    Socket s = new Socket("127.0.0.1", collector.port());
    sockets.add(s);
    s.setSoTimeout(15_000);
    OutputStream out = s.getOutputStream();
    out.write(
        ("POST /v1/metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/x-protobuf\r\nContent-Length: "
                + length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(new byte[sent]);
    out.flush();
    return s;
  }

  /** The status of the response on {@code s}, or -1 when the server closed without one. */
  static int status(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      line.append((char) b);
    }
    String l = line.toString();
    return l.startsWith("HTTP/1.1 ") ? Integer.parseInt(l.substring(9, 12)) : -1;
  }

  byte[] valid() {
    return Otlp.pod("orders", "orders-1")
        .pool("10.0.0.5:5432/orders", "main", 1, 1, 4, 0)
        .request()
        .toByteArray();
  }

  @Test
  void slowUploadsHoldAtMostTheBoundAndReadsKeepAnswering() throws Exception {
    // An 8 s read timeout: the held uploads keep their permits while the others are refused.
    start(64L << 20, Duration.ofSeconds(8), Duration.ofSeconds(30));
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < BODIES; i++) {
      held.add(slowUpload(1_000_000, 1));
    }
    // Only once all four hold their permit (a fifth upload is refused) do the others follow.
    Http.await(
        Duration.ofSeconds(10),
        () -> refused("ingest_concurrent_bodies") > 0 || probeRefused(),
        () -> "the bound reached");
    List<Socket> extra = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      extra.add(slowUpload(1_000_000, 1));
    }
    for (Socket s : extra) {
      assertThat(status(s)).as("an upload beyond the bound").isEqualTo(503);
    }
    long t0 = System.nanoTime();
    assertThat(http.get("/api/health").statusCode()).isEqualTo(200);
    assertThat(http.get("/api/overview").statusCode()).isEqualTo(200);
    assertThat((System.nanoTime() - t0) / 1_000_000).as("ms for two reads").isLessThan(2_000);
    HttpResponse<byte[]> busy =
        http.post("/v1/metrics", valid(), "Content-Type", "application/x-protobuf");
    assertThat(busy.statusCode()).isEqualTo(503);
    assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(new String(busy.body(), StandardCharsets.UTF_8)).contains("ingest_saturated");

    // The held uploads send nothing more: the 8 s read timeout ends each of them.
    for (Socket s : held) {
      assertThat(status(s)).as("a stalled upload").isIn(408, -1);
    }
    Http.await(
        Duration.ofSeconds(10),
        () ->
            http.post("/v1/metrics", valid(), "Content-Type", "application/x-protobuf").statusCode()
                == 200,
        () -> "ingest accepted again");
    assertThat(refused("ingest_concurrent_bodies")).isGreaterThanOrEqualTo(21);
  }

  @Test
  void aTricklingBodyIsEndedByTheBodyDeadline() throws Exception {
    start(64L << 20);
    Socket s = slowUpload(1_000_000, 1);
    long t0 = System.nanoTime();
    OutputStream out = s.getOutputStream();
    // One byte every 200 ms: never idle for the 1 s read timeout, so only the 3 s deadline ends
    // it. Stop at 10 s whatever happens.
    int status = 0;
    while (System.nanoTime() - t0 < 10_000_000_000L) {
      try {
        out.write(1);
        out.flush();
      } catch (IOException e) {
        break; // the server closed it
      }
      if (s.getInputStream().available() > 0) {
        break;
      }
      Thread.sleep(200); // the trickle's pace: the fault under test
    }
    status = status(s);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(status).isIn(408, -1);
    assertThat(ms).as("ms until the trickle was ended").isBetween(2_500L, 6_000L);
  }

  @Test
  void bytesInFlightAreBounded() throws Exception {
    start(1L << 20);
    slowUpload(600_000, 1);
    // Until the first is admitted, a second may be admitted in its place: either way, once one
    // holds its 600,000 bytes the other does not fit in 1 MiB.
    Http.await(
        Duration.ofSeconds(10),
        () -> {
          try {
            Socket second = slowUpload(600_000, 1);
            second.setSoTimeout(3_000);
            status(second);
          } catch (IOException e) {
            // refused and closed, or timed out: the counter below says which
          }
          return refused("ingest_bytes_in_flight") > 0;
        },
        () -> "a second 600,000-byte upload refused");
    assertThat(refused("ingest_bytes_in_flight")).isGreaterThanOrEqualTo(1);
    assertThat(refused("ingest_concurrent_bodies")).isZero();
    // A small body still fits beside it.
    assertThat(
            http.post("/v1/metrics", valid(), "Content-Type", "application/x-protobuf")
                .statusCode())
        .isEqualTo(200);
  }

  private boolean probeRefused() {
    try {
      Socket probe = slowUpload(10, 0);
      probe.getOutputStream().write(new byte[10]);
      probe.getOutputStream().flush();
      int st = status(probe);
      return st == 503;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private long refused(String kind) {
    String m = new String(http.get("/metrics").body(), StandardCharsets.UTF_8);
    String key = "poolscope_collector_refused_total{kind=\"" + kind + "\",} ";
    int i = m.indexOf(key);
    return i < 0
        ? 0
        : (long) Double.parseDouble(m.substring(i + key.length(), m.indexOf('\n', i)).trim());
  }
}
