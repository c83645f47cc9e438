package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM that embeds the collector (the demo) exits by itself after {@link Collector#close()}, even
 * after a dashboard held the event stream open: no thread the server started outlives it.
 */
class EventStreamThreadsTest {
  @TempDir Path dir;

  @Test
  void closeLeavesNoNonDaemonThreadAfterAnEventStream() throws Exception {
    Set<String> before = nonDaemonThreads();
    Collector collector =
        Collector.start(
            CollectorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
                .build());
    HttpClient client = HttpClient.newHttpClient();
    try {
      HttpResponse<InputStream> stream =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + collector.port() + "/api/events"))
                  .header("Accept", "text/event-stream")
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(stream.headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/event-stream");
      BufferedReader reader =
          new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
      assertThat(reader.readLine()).isEqualTo("event: update");
    } finally {
      collector.close();
    }
    // Jetty's threads end once stopped; Javalin's async pool would idle on for 60 s.
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Set<String> left = leftOver(before);
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      Thread.yield();
      left = leftOver(before);
    }
    assertThat(left).isEmpty();
  }

  private static Set<String> leftOver(Set<String> before) {
    Set<String> now = nonDaemonThreads();
    now.removeAll(before);
    return now;
  }

  private static Set<String> nonDaemonThreads() {
    Set<String> out = new TreeSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && !t.isDaemon()) {
        out.add(t.getName() + "#" + t.getId());
      }
    }
    return out;
  }
}
