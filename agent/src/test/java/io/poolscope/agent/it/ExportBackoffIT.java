package io.poolscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolscope.agent.it.FaultyCollector.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * How the agent paces its exports against a failing collector, seen from the collector: the gaps
 * between attempts double up to the cap with random jitter, a 429's Retry-After is a floor (and
 * capped), the normal interval returns with the first success, and the leak events raised during
 * the failure arrive afterwards, exactly once. Interval 200 ms and maxBackoff 3 s keep it short.
 */
class ExportBackoffIT {
  static final long INTERVAL = 200;
  static final long CAP = 3_000;
  // A gap is the delay plus the agent's time around the two requests (handling the answer,
  // marshaling the next one) in a child that runs System.gc() every 100 ms (to collect the
  // dropped connection), on a shared, loaded machine: up to 270 ms seen. Never shorter.
  static final long LATE = 500;
  static final long EARLY = 50;

  @Test
  void failingCollectorSeesGrowingJitteredGapsRetryAfterAndQuickRecovery() throws Exception {
    try (FaultyCollector c = new FaultyCollector()) {
      c.mode = Mode.ERROR_500;
      try (ChildJvm child =
          ChildJvm.builder()
              .lib("hikari-newest")
              .agentArgs(
                  "endpoint="
                      + c.endpoint()
                      + ",interval="
                      + INTERVAL
                      + "ms,maxBackoff="
                      + CAP
                      + "ms,leakThreshold=1s")
              .app("pool=hikari", "scenario=leaks", "holdMs=2500")
              .start()) {
        child.awaitStdout("READY"); // the leases are held and dropped: their events are raised
        long ready = System.nanoTime();
        Await.until(
            () -> c.metricsArrivals.size() >= 12 && System.nanoTime() - ready > 5_000_000_000L,
            90,
            () -> "attempts " + gaps(c.metricsArrivals, 0) + child);

        // 1. Failing: gaps double from two intervals (less up to a quarter) and stop at the cap.
        // The first gap (0.3-0.4 s) is left out: the child's first request and answer load
        // classes and take a good part of it.
        List<Long> gaps = gaps(c.metricsArrivals, 1).subList(0, 10);
        String seen = "gaps " + gaps;
        long[] base = {800, 1600, 3000, 3000, 3000, 3000, 3000, 3000, 3000, 3000};
        for (int i = 0; i < gaps.size(); i++) {
          assertThat(gaps.get(i))
              .as("gap %d of %s", i, seen)
              .isBetween(base[i] * 3 / 4 - EARLY, base[i] + LATE);
        }
        // Each step longer than the last. The bounds above already pin each step to its doubled
        // delay; a ratio between two gaps would also scale the agent's time around the requests
        // (up to LATE on a loaded machine) and fail a correct backoff whose jitter drew a short
        // delay after a late gap.
        assertThat(gaps.get(1)).as(seen).isGreaterThan(gaps.get(0));
        assertThat(gaps.get(2)).as(seen).isGreaterThan(gaps.get(1));
        // Jitter: the capped gaps spread over (2.25 s, 3 s]; without it they would all be 3 s
        // plus scheduling noise.
        List<Long> capped = gaps.subList(3, 10);
        long spread =
            capped.stream().mapToLong(Long::longValue).max().orElseThrow()
                - capped.stream().mapToLong(Long::longValue).min().orElseThrow();
        assertThat(spread).as("jitter of capped " + capped).isGreaterThan(150);
        assertThat(capped.stream().mapToLong(Long::longValue).min().orElseThrow())
            .as("jitter of capped " + capped)
            .isLessThan(2_850);
        // One request per failed attempt: the events wait in the buffer, not hammering.
        assertThat(c.logsRequests.get()).isZero();
        assertThat(c.logs).isEmpty();

        // 2. Recovered: the next attempt is within one cap, then every interval again.
        int before = c.metricsArrivals.size();
        long healed = System.nanoTime();
        c.mode = Mode.OK;
        Await.until(() -> c.metricsArrivals.size() >= before + 9, 30, () -> "resumed" + child);
        assertThat((c.metricsArrivals.get(before) - healed) / 1_000_000)
            .as("first export after recovery")
            .isLessThanOrEqualTo(CAP + LATE);
        // From the second arrival on: the first may have raced the switch and been answered 500.
        List<Long> resumed = gaps(c.metricsArrivals, before + 1).subList(0, 7);
        // The median: the export that first sends the buffered events takes longer. Backing off,
        // even from its first step, every gap would be 300 ms or more (2.25 s or more here).
        assertThat(resumed.stream().sorted().collect(Collectors.toList()).get(3))
            .as("interval again: " + resumed)
            .isLessThan(300L);
        Await.until(
            () ->
                c.telemetry().leakEvents("returned", "orders-pool").size() == 1
                    && c.telemetry().leakEvents("collected", "orders-pool").size() == 1,
            30,
            () -> "events after the failure: " + c.telemetry().logRecords() + child);

        // 3. 429 with Retry-After: 1 s: a floor over the 0.3-0.8 s the backoff alone would wait.
        // The answer is chosen after the arrival is recorded: switch first, then count, so an
        // arrival counted here cannot have been answered in the previous mode.
        c.retryAfter = "1";
        c.mode = Mode.ERROR_429;
        int at429 = c.metricsArrivals.size();
        Await.until(() -> c.metricsArrivals.size() >= at429 + 3, 30, () -> "429s" + child);
        List<Long> after429 = gaps(c.metricsArrivals, at429).subList(0, 2);
        for (long g : after429) {
          assertThat(g)
              .as("after a 429 with Retry-After: 1, " + after429)
              .isBetween(950L, 1_250L + LATE);
        }

        // 4. Retry-After: 30 s is cut to the cap (3 s), so the fleet is not silenced for longer.
        c.retryAfter = "30";
        int at30 = c.metricsArrivals.size();
        Await.until(() -> c.metricsArrivals.size() >= at30 + 3, 30, () -> "long 429s" + child);
        List<Long> after30 = gaps(c.metricsArrivals, at30).subList(0, 2);
        for (long g : after30) {
          assertThat(g)
              .as("after Retry-After: 30, cap 3 s, " + after30)
              .isBetween(CAP - EARLY, CAP + LATE);
        }

        System.out.println(
            "ExportBackoffIT gaps (ms): failing "
                + gaps
                + ", recovered "
                + resumed
                + ", 429 Retry-After 1 s "
                + after429
                + ", Retry-After 30 s "
                + after30);

        // 5. Healthy again; nothing was sent twice over all of it.
        int back = c.metricsArrivals.size();
        c.mode = Mode.OK;
        Await.until(() -> c.metricsArrivals.size() >= back + 4, 30, () -> "back" + child);
        child.send("quit");
        child.finish();
        Telemetry t = c.telemetry();
        assertThat(t.leakEvents("returned", "orders-pool")).hasSize(1);
        assertThat(t.leakEvents("collected", "orders-pool")).hasSize(1);
        assertThat(t.leakEvents("suspected", "orders-pool")).hasSizeBetween(1, 2);
        assertThat(t.logRecords()).hasSize(t.leakEvents("suspected", "orders-pool").size() + 2);
        List<String> ids =
            t.leakEvents("suspected", "orders-pool").stream()
                .map((Map<String, String> e) -> e.get("poolscope.lease.id"))
                .collect(Collectors.toList());
        assertThat(ids).doesNotHaveDuplicates();
      }
    }
  }

  /** Milliseconds between successive arrivals from index {@code from} on. */
  static List<Long> gaps(List<Long> arrivals, int from) {
    List<Long> a = new ArrayList<>(arrivals);
    List<Long> out = new ArrayList<>();
    for (int i = from + 1; i < a.size(); i++) {
      out.add((a.get(i) - a.get(i - 1)) / 1_000_000);
    }
    return out;
  }
}
