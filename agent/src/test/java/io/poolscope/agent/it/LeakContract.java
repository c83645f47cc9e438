package io.poolscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Leak detection for one source of connections, run per pool by a subclass: a lease held past the
 * threshold is suspected and later returned, one dropped without close() is suspected and then
 * collected, and twenty leases closed in time produce nothing. Events carry the borrower call site,
 * trimmed so the first frame is the application's own line.
 */
abstract class LeakContract {
  /** Test application arguments that select the source. */
  abstract String[] app();

  /** The pool jars, or null for none. */
  abstract String lib();

  /** The pool name on the events. */
  abstract String pool();

  /**
   * Marker comments of the hold and drop call sites in LeakSites.java; by default the pooled
   * scenario's, which every pool runs through the same code.
   */
  String holdMarker() {
    return "leak:hold";
  }

  String dropMarker() {
    return "leak:drop";
  }

  /** The LeakSites methods that hold and drop the leaked connections. */
  String holdMethod() {
    return "holdTooLong";
  }

  String dropMethod() {
    return "dropWithoutClose";
  }

  /**
   * Whether a dropped connection can be collected at all: a pool that keeps a strong reference to
   * the connection it handed out (c3p0) never lets it be collected.
   */
  boolean collectable() {
    return true;
  }

  static String line(String marker) throws Exception {
    Path src = Paths.get("src/test/java/io/poolscope/testapp/LeakSites.java");
    List<String> lines = Files.readAllLines(src);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("// " + marker)) {
        return Integer.toString(i + 1);
      }
    }
    throw new AssertionError("no marker " + marker);
  }

  ChildJvm start(OtlpReceiver r) throws Exception {
    ChildJvm.Builder b =
        ChildJvm.builder()
            .agentArgs("endpoint=" + r.endpoint() + ",interval=200ms,leakThreshold=1s")
            .app(app());
    if (lib() != null) {
      b.lib(lib());
    }
    return b.start();
  }

  @Test
  void leaksAreReportedWithStateAgeBorrowerCallSiteAndHolderStack() throws Exception {
    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child = start(r)) {
      child.awaitStdout("READY");
      // The held lease: suspected, then returned. The dropped one: collected (if the pool lets
      // it be collected, possibly before it is even suspected), else suspected.
      Await.until(
          () ->
              r.telemetry().leakEvents("returned", pool()).size() == 1
                  && (collectable()
                      ? r.telemetry().leakEvents("collected", pool()).size() == 1
                      : r.telemetry().leakEvents("suspected", pool()).size() == 2),
          60,
          () -> "leak events in " + r.telemetry().logRecords() + child);
      // One more export so the counters include everything the events said.
      int seen = r.metrics.size();
      Await.until(() -> r.metrics.size() > seen + 1, 30, "another export");
      child.send("quit");
      child.finish();
      Telemetry t = r.telemetry();

      List<Map<String, String>> suspected = t.leakEvents("suspected", pool());
      assertThat(suspected).hasSizeBetween(1, 2);
      Map<String, String> hold = suspected.get(0);
      assertThat(hold)
          .containsEntry("$eventName", "poolscope.connection.leak")
          .containsEntry("event.name", "poolscope.connection.leak")
          .containsEntry("thread.name", "main")
          .containsEntry("db.system.name", "h2")
          .containsKeys("poolscope.lease.id", "poolscope.lease.age");
      assertThat(Double.parseDouble(hold.get("poolscope.lease.age"))).isGreaterThanOrEqualTo(1.0);
      // Where the holder is now: still inside the application's method, sleeping.
      assertThat(hold.get("poolscope.holder.stacktrace"))
          .contains("Thread.sleep")
          .contains("io.poolscope.testapp.LeakSites." + holdMethod());
      if (hold.containsKey("code.stacktrace")) {
        assertThat(hold.get("code.stacktrace")).startsWith(site(holdMethod(), holdMarker()));
      }

      List<Map<String, String>> returned = t.leakEvents("returned", pool());
      assertThat(returned).hasSize(1);
      assertThat(returned.get(0))
          .containsEntry("poolscope.lease.id", hold.get("poolscope.lease.id"));
      assertThat(Double.parseDouble(returned.get(0).get("poolscope.lease.age")))
          .as("total hold time, s")
          .isGreaterThanOrEqualTo(2.5);

      // After the first suspected leak the pool captures every borrow: the dropped connection's
      // events carry the borrower call site, first frame = the application's line.
      String dropSite = site(dropMethod(), dropMarker());
      for (Map<String, String> e : suspected.subList(1, suspected.size())) {
        assertThat(e.get("code.stacktrace")).startsWith(dropSite);
      }
      List<Map<String, String>> collected = t.leakEvents("collected", pool());
      Map<String, String> p = Map.of("db.client.connection.pool.name", pool());
      if (collectable()) {
        assertThat(collected).hasSize(1);
        assertThat(collected.get(0).get("code.stacktrace")).startsWith(dropSite);
        assertThat(collected.get(0).get("poolscope.lease.id"))
            .isNotEqualTo(hold.get("poolscope.lease.id"));
      } else {
        assertThat(collected).isEmpty();
        assertThat(suspected).hasSize(2);
      }
      assertThat(count(t, p, "suspected")).isEqualTo(suspected.size());
      assertThat(count(t, p, "returned")).isEqualTo(1);
      assertThat(count(t, p, "collected")).isEqualTo(collected.size());
      // The oldest lease still held was visible while it was held.
      assertThat(
              t.all("poolscope.connection.oldest_use", pool()).stream()
                  .mapToDouble(x -> x.value)
                  .max()
                  .orElse(0))
          .isGreaterThanOrEqualTo(1.0);
      // Twenty leases closed in time: no other event at all.
      assertThat(t.logRecords()).hasSize(suspected.size() + 1 + collected.size());
    }
  }

  static String site(String method, String marker) throws Exception {
    return "at io.poolscope.testapp.LeakSites." + method + "(LeakSites.java:" + line(marker) + ")";
  }

  static double count(Telemetry t, Map<String, String> pool, String state) {
    return t.last("poolscope.connection.leaks", with(pool, "poolscope.leak.state", state))
        .orElseThrow()
        .value;
  }

  static Map<String, String> with(Map<String, String> m, String k, String v) {
    Map<String, String> out = new java.util.HashMap<>(m);
    out.put(k, v);
    return out;
  }
}
