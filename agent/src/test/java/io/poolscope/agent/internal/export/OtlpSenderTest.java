package io.poolscope.agent.internal.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How the sender classifies the collector's answers; the export loop paces itself by them. */
class OtlpSenderTest {
  private HttpServer server;
  private volatile int status;
  private volatile String retryAfter;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          ex.getRequestBody().readAllBytes();
          if (retryAfter != null) {
            ex.getResponseHeaders().add("Retry-After", retryAfter);
          }
          ex.sendResponseHeaders(status, -1);
          ex.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private OtlpSender.Outcome answer(int code, String retryAfterHeader) {
    status = code;
    retryAfter = retryAfterHeader;
    OtlpSender s =
        new OtlpSender(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
            null,
            Duration.ofSeconds(5));
    return s.sendLogs(new byte[0]);
  }

  @Test
  void successIsAccepted() {
    OtlpSender.Outcome o = answer(200, null);
    assertThat(o.accepted()).isTrue();
    assertThat(o.failed()).isFalse();
  }

  @Test
  void retryAfterIsReadOn429And503Only() {
    OtlpSender.Outcome tooMany = answer(429, "7");
    assertThat(tooMany.failed()).isTrue();
    assertThat(tooMany.retryAfterMillis()).isEqualTo(7_000L);
    assertThat(answer(503, "2").retryAfterMillis()).isEqualTo(2_000L);
    OtlpSender.Outcome error = answer(500, "9");
    assertThat(error.failed()).isTrue();
    assertThat(error.retryAfterMillis()).isEqualTo(-1L);
  }

  @Test
  void contentErrorsAreRefusedNotFailed() {
    for (int code : new int[] {400, 413, 415}) {
      OtlpSender.Outcome o = answer(code, null);
      assertThat(o.refused()).as("%d", code).isTrue();
      assertThat(o.failed()).as("%d", code).isFalse();
      assertThat(o.accepted()).as("%d", code).isFalse();
    }
  }

  @Test
  void authAndServerErrorsAreFailuresToBackOffFrom() {
    for (int code : new int[] {401, 403, 404, 408, 500, 502, 504}) {
      OtlpSender.Outcome o = answer(code, null);
      assertThat(o.failed()).as("%d", code).isTrue();
      assertThat(o.status()).isEqualTo(code);
    }
  }

  @Test
  void noListenerIsAFailureWithoutStatus() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    OtlpSender s =
        new OtlpSender(URI.create("http://127.0.0.1:" + port), null, Duration.ofSeconds(5));
    OtlpSender.Outcome o = s.sendMetrics(new byte[0]);
    assertThat(o.failed()).isTrue();
    assertThat(o.status()).isZero();
    assertThat(o.toString()).startsWith("no answer (");
  }
}
