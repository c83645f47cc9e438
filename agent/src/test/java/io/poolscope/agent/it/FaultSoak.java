package io.poolscope.agent.it;

import io.poolscope.agent.it.FaultyCollector.Mode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The long collector-fault run (not in CI; {@code agent/fault-soak.sh}): {@code FaultApp} with the
 * agent at its default interval, timeout and backoff cap, against a {@link FaultyCollector} that is
 * healthy, then down, slow (30 s answers), answering 500, answering 429, and healthy again, each
 * for minutes. Prints per phase the application's request count and latencies, heap after GC,
 * thread count and the agent's export attempts; then the leak events raised against those
 * delivered. Exits 1 when a fault phase breaks the same bounds {@code CollectorFaultsIT} holds, or
 * when an event raised within the buffer's capacity is lost or sent twice.
 *
 * <p>Arguments: minutes per fault phase (default 10), minutes of the healthy phase (default: the
 * same). System properties as the failsafe configuration sets them: {@code poolscope.agentJar},
 * {@code poolscope.itLib}, {@code poolscope.testClasses}, {@code poolscope.jdk17}.
 */
public final class FaultSoak {
  static final Pattern NEXT = Pattern.compile("next in (\\d+) ms");
  static final int EVENT_BUFFER = 1000;
  // One leak (two events: suspected, returned) every 10 s: 480 events over four 10-minute faults.
  static final long LEAK_PAUSE_MS = 7_500;

  private FaultSoak() {}

  record Row(
      String name,
      double minutes,
      CollectorFaultsIT.Phase app,
      int attempts,
      int failedAttempts,
      int received,
      long firstDelayMs,
      long maxDelayMs) {}

  /**
   * Runs the soak.
   *
   * @param args minutes per fault phase, minutes healthy
   * @throws Exception on a broken harness
   */
  public static void main(String[] args) throws Exception {
    double faultMin = args.length > 0 ? Double.parseDouble(args[0]) : 10;
    double healthyMin = args.length > 1 ? Double.parseDouble(args[1]) : faultMin;
    List<String> failures = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    try (FaultyCollector collector = new FaultyCollector()) {
      AppProcess app =
          new AppProcess(
              List.of("-Xmx256m"),
              "io.poolscope.testapp.FaultApp",
              "hikari-newest",
              "endpoint="
                  + collector.endpoint()
                  + ",leakThreshold=1s,debug=true,eventBuffer="
                  + EVENT_BUFFER,
              "hikari",
              Long.toString(LEAK_PAUSE_MS));
      Process p = app.process;
      // Killed mid-run (Ctrl-C): the app goes with us.
      Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
      List<String> out = app.out;
      try {
        Await.until(() -> out.contains("READY"), 60, () -> "READY: " + out);
        Await.until(() -> !collector.metrics.isEmpty(), 60, () -> "first export: " + out);
        System.out.printf(
            Locale.ROOT,
            "fault soak: %.1f min per fault, %.1f min healthy; agent defaults (interval 10s,"
                + " timeout 5s, maxBackoff 5m), eventBuffer=%d, one leak per 10 s%n",
            faultMin,
            healthyMin,
            EVENT_BUFFER);
        // A minute for the JIT, reported but not a baseline: the healthy phase is.
        header();
        phase(collector, app, "warmup", Math.min(1, healthyMin), () -> {});
        rows.add(phase(collector, app, "healthy", healthyMin, () -> {}));
        rows.add(phase(collector, app, "down", faultMin, collector::down));
        rows.add(
            phase(
                collector,
                app,
                "slow",
                faultMin,
                () -> {
                  up(collector);
                  collector.mode = Mode.SLOW;
                }));
        rows.add(
            phase(collector, app, "error500", faultMin, () -> collector.mode = Mode.ERROR_500));
        rows.add(
            phase(collector, app, "error429", faultMin, () -> collector.mode = Mode.ERROR_429));
        long recoveredAt = System.nanoTime();
        int arrivalsBefore = collector.metricsArrivals.size();
        rows.add(phase(collector, app, "recovered", faultMin, () -> collector.mode = Mode.OK));
        long resumedMs =
            collector.metricsArrivals.size() > arrivalsBefore
                ? (collector.metricsArrivals.get(arrivalsBefore) - recoveredAt) / 1_000_000
                : -1;
        app.send("stopleaks");
        int leaks =
            Integer.parseInt(app.await("RESULT leaks=", 0, 60).substring("RESULT leaks=".length()));
        // The last leak's events are raised after the recovered phase: give them a few intervals.
        try {
          Await.until(
              () ->
                  ids(collector, "suspected").size() >= leaks
                      && ids(collector, "returned").size() >= leaks,
              60,
              () -> "leak events");
        } catch (AssertionError e) {
          // Reported below as lost events.
        }
        Set<String> suspected = ids(collector, "suspected");
        Set<String> returned = ids(collector, "returned");
        int sent =
            collector.telemetry().leakEvents("suspected", "leaky-pool").size()
                + collector.telemetry().leakEvents("returned", "leaky-pool").size();
        int delivered = suspected.size() + returned.size();
        System.out.printf(
            Locale.ROOT,
            "%nexport resumed %s after the collector recovered (cap 300 s)%n"
                + "leak events: %d leases held past the threshold, %d events raised, %d delivered"
                + " (%d suspected, %d returned), %d duplicates, %d lost%n",
            resumedMs < 0 ? "not" : resumedMs / 1000.0 + " s",
            leaks,
            2 * leaks,
            delivered,
            suspected.size(),
            returned.size(),
            sent - delivered,
            2 * leaks - delivered);
        if (resumedMs < 0 || resumedMs > 300_000 + 30_000) {
          failures.add("export did not resume within the 5 min cap: " + resumedMs + " ms");
        }
        if (2 * leaks <= EVENT_BUFFER && delivered != 2 * leaks) {
          failures.add(
              "lost events within capacity: "
                  + (2 * leaks)
                  + " raised, "
                  + delivered
                  + " delivered");
        }
        if (sent != delivered) {
          failures.add((sent - delivered) + " events delivered twice");
        }
        app.send("quit");
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          failures.add("the app did not quit");
        }
        long errors = out.stream().filter(l -> l.startsWith("ERROR")).count();
        if (errors > 0) {
          failures.add(errors + " application errors");
        }
      } finally {
        p.destroyForcibly();
      }
    }
    CollectorFaultsIT.Phase healthy = rows.get(0).app();
    for (Row r : rows.subList(1, rows.size())) {
      CollectorFaultsIT.Phase ph = r.app();
      long p99Bound = Math.max(5 * healthy.p99us(), healthy.p99us() + 100_000);
      if (ph.p99us() > p99Bound) {
        failures.add(r.name() + ": p99 " + ph.p99us() + " us above " + p99Bound);
      }
      if (ph.heapKB() > healthy.heapKB() + 16 * 1024) {
        failures.add(r.name() + ": heap " + ph.heapKB() + " KB, healthy " + healthy.heapKB());
      }
      if (ph.threads() > healthy.threads() + 2) {
        failures.add(r.name() + ": threads " + ph.threads() + ", healthy " + healthy.threads());
      }
    }
    if (failures.isEmpty()) {
      System.out.println("fault soak: all bounds held");
      System.exit(0);
    }
    failures.forEach(f -> System.out.println("FAILED " + f));
    System.exit(1);
  }

  private static void up(FaultyCollector c) {
    try {
      c.up();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Set<String> ids(FaultyCollector c, String state) {
    Set<String> ids = new TreeSet<>();
    for (Map<String, String> e : c.telemetry().leakEvents(state, "leaky-pool")) {
      ids.add(e.get("poolscope.lease.id"));
    }
    return ids;
  }

  private static void header() {
    System.out.printf(
        Locale.ROOT,
        "%-9s %5s %9s %7s %7s %9s %8s %7s %8s %6s %8s %10s %10s%n",
        "phase",
        "min",
        "requests",
        "p50us",
        "p99us",
        "maxus",
        "heapMB",
        "threads",
        "attempts",
        "failed",
        "received",
        "firstWait",
        "maxWait");
  }

  private static Row phase(
      FaultyCollector collector, AppProcess app, String name, double minutes, Runnable begin)
      throws Exception {
    List<String> out = app.out;
    int from = out.size();
    int arrivals = collector.metricsArrivals.size();
    begin.run();
    long end = System.nanoTime() + (long) (minutes * 60e9);
    while (System.nanoTime() < end) {
      Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
    }
    app.send("mark " + name);
    app.await("PHASE " + name + " ", from, 60);
    List<String> lines = new ArrayList<>(out.subList(from, out.size()));
    CollectorFaultsIT.Phase figures = null;
    int attempts = 0;
    int failed = 0;
    long first = -1;
    long max = -1;
    for (String l : lines) {
      CollectorFaultsIT.Phase ph = CollectorFaultsIT.Phase.parse(l);
      if (ph != null && ph.name().equals(name)) {
        figures = ph;
      }
      if (l.startsWith("poolscope: export ")) {
        attempts++;
        Matcher n = NEXT.matcher(l);
        if (n.find()) {
          failed++;
          long d = Long.parseLong(n.group(1));
          first = first < 0 ? d : first;
          max = Math.max(max, d);
        }
      }
    }
    Row r =
        new Row(
            name,
            minutes,
            figures,
            attempts,
            failed,
            collector.metricsArrivals.size() - arrivals,
            first,
            max);
    System.out.printf(
        Locale.ROOT,
        "%-9s %5.1f %9d %7d %7d %9d %8.1f %7d %8d %6d %8d %10s %10s%n",
        name,
        minutes,
        figures.n(),
        figures.p50us(),
        figures.p99us(),
        figures.maxus(),
        figures.heapKB() / 1024.0,
        figures.threads(),
        attempts,
        failed,
        r.received(),
        first < 0 ? "-" : first / 1000.0 + "s",
        max < 0 ? "-" : max / 1000.0 + "s");
    System.out.flush();
    return r;
  }
}
