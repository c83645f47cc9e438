package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One collector as a child JVM on its H2 file store, killed with SIGKILL while an alert fires and
 * started again: it does not page again, and it tells and records the resolve.
 */
class AlertStateRestartTest {
  static final String DB = "127.0.0.1:5432/orders";
  static final long FOR_MILLIS = 2_000;

  @RegisterExtension final ChildCollectors children = new ChildCollectors();

  private JsonNode get(int port, String path) {
    return children.get(port, path);
  }

  @Test
  void aCollectorKilledWhileAnAlertFiresNeitherRepagesNorLosesTheResolve() throws Exception {
    ChildCollectors.Webhook webhook = children.webhook();
    List<ChildCollectors.Hook> received = webhook.received;
    Path config =
        children.config(
            List.of("url: jdbc:h2:file:" + children.dir().resolve("store")),
            webhook,
            FOR_MILLIS / 1000);
    ChildCollector first = children.start(config);
    AtomicInteger used = new AtomicInteger(5);
    AtomicInteger port = new AtomicInteger(first.port);
    children.every(
        500,
        () ->
            children.post(
                port.get(),
                "/v1/metrics",
                Otlp.pod("orders", "orders-1")
                    .pool(DB, "orders-pool", used.get(), 1, 10, 0)
                    .open(DB, 6)
                    .request()
                    .toByteArray()));
    Http.await(Duration.ofSeconds(30), () -> !received.isEmpty(), received::toString);
    assertThat(received.get(0).body()).contains("\"firing\"");
    JsonNode firing = get(first.port, "/api/alerts").get("active").get(0);
    long firedAt = firing.get("firedAt").asLong();
    first.kill();

    ChildCollector second = children.start(config);
    port.set(second.port);
    // The restarted collector continues the firing alert (same firing time), evaluated anew.
    Http.await(
        Duration.ofSeconds(30),
        () -> {
          JsonNode a = get(second.port, "/api/alerts").get("active");
          return a.size() == 1
              && a.get(0).get("firedAt").asLong() == firedAt
              && a.get(0).get("value").asDouble() == 5.0;
        },
        () -> get(second.port, "/api/alerts").toString());
    used.set(0);
    Http.await(Duration.ofSeconds(30), () -> received.size() >= 2, received::toString);
    assertThat(received.get(1).body()).contains("\"resolved\"");
    Http.await(
        Duration.ofSeconds(30),
        () ->
            get(second.port, "/api/alerts")
                .get("history")
                .get(0)
                .get("event")
                .asText()
                .equals("resolved"),
        () -> get(second.port, "/api/alerts").toString());
    assertThat(received).as("no re-page after the restart").hasSize(2);
  }
}
