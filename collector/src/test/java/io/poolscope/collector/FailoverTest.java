package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two collectors as child JVMs on one embedded PostgreSQL; the elected one is killed with SIGKILL
 * while an alert is pending: the other takes over, fires it at its {@code for:} (counted from the
 * first replica's start of pending), and the webhook gets one firing and one resolve.
 */
class FailoverTest {
  static final String DB = "127.0.0.1:5432/orders";
  static final long FOR_MILLIS = 8_000;

  @RegisterExtension final ChildCollectors children = new ChildCollectors();

  private int post(int port, String path, byte[] body) {
    return children.post(port, path, body);
  }

  private JsonNode get(int port, String path) {
    return children.get(port, path);
  }

  @Test
  void killingTheLeaderDuringAnIncidentNeitherRepagesNorLosesTheAlert() throws Exception {
    EmbeddedPostgres pg = children.keep(EmbeddedPostgres.builder().start());
    ChildCollectors.Webhook webhook = children.webhook();
    List<ChildCollectors.Hook> received = webhook.received;
    Path config =
        children.config(
            List.of("url: " + pg.getJdbcUrl("postgres", "postgres"), "user: postgres"),
            webhook,
            FOR_MILLIS / 1000);
    ChildCollector first = children.start(config);
    Http.await(
        Duration.ofSeconds(30),
        () -> "leader".equals(get(first.port, "/api/health").get("leader").asText()),
        () -> get(first.port, "/api/health").toString());
    ChildCollector second = children.start(config);

    // The agent sends to whichever replica answers, alternating while both do.
    AtomicInteger used = new AtomicInteger(5);
    AtomicInteger turn = new AtomicInteger();
    children.every(
        500,
        () -> {
          byte[] body =
              Otlp.pod("orders", "orders-1")
                  .pool(DB, "orders-pool", used.get(), 1, 10, 0)
                  .open(DB, 6)
                  .request()
                  .toByteArray();
          int[] ports = {first.port, second.port};
          int i = turn.getAndIncrement() % 2;
          if (post(ports[i], "/v1/metrics", body) != 200) {
            post(ports[1 - i], "/v1/metrics", body);
          }
        });

    byte[] leakBefore =
        Otlp.leak(Otlp.pod("orders", "orders-1"), DB, "orders-pool", "suspected", "a.B(B.java:1)")
            .toByteArray();
    assertThat(post(first.port, "/v1/logs", leakBefore)).isEqualTo(200);
    // The agent's retry of the same event (its answer lost) reaches the other replica.
    assertThat(post(second.port, "/v1/logs", leakBefore)).isEqualTo(200);

    Http.await(
        Duration.ofSeconds(30),
        () -> get(first.port, "/api/alerts").get("active").size() == 1,
        () -> get(first.port, "/api/alerts").toString());
    JsonNode pending = get(first.port, "/api/alerts").get("active").get(0);
    assertThat(pending.get("state").asText()).isEqualTo("pending");
    long activeSince = pending.get("activeSince").asLong();

    first.kill();
    Http.await(
        Duration.ofSeconds(30),
        () -> !received.isEmpty(),
        () -> get(second.port, "/api/health") + " " + get(second.port, "/api/alerts"));
    assertThat(get(second.port, "/api/health").get("leader").asText()).isEqualTo("leader");
    assertThat(received.get(0).body()).contains("UsedHigh").contains("\"firing\"");
    assertThat(received.get(0).millis())
        .as("fired at its for: counted from the first replica's pending")
        .isGreaterThanOrEqualTo(activeSince + FOR_MILLIS);
    JsonNode firing = get(second.port, "/api/alerts").get("active").get(0);
    assertThat(firing.get("activeSince").asLong()).isEqualTo(activeSince);

    byte[] leakAfter =
        Otlp.leak(Otlp.pod("orders", "orders-1"), DB, "orders-pool", "collected", "a.B(B.java:2)")
            .toByteArray();
    assertThat(post(second.port, "/v1/logs", leakAfter)).isEqualTo(200);
    assertThat(post(second.port, "/v1/logs", leakAfter)).isEqualTo(200);

    used.set(0);
    Http.await(Duration.ofSeconds(30), () -> received.size() >= 2, () -> received.toString());
    assertThat(received.get(1).body()).contains("UsedHigh").contains("\"resolved\"");
    Http.await(
        Duration.ofSeconds(10),
        () -> get(second.port, "/api/alerts").get("active").isEmpty(),
        () -> get(second.port, "/api/alerts").toString());
    assertThat(received).as("one firing, one resolve: no re-page").hasSize(2);

    JsonNode leaks = get(second.port, "/api/leaks");
    assertThat(leaks.toString()).contains("a.B(B.java:1)").contains("a.B(B.java:2)");
    assertThat(leaks.size()).as("each leak event stored once").isEqualTo(2);
  }
}
