package io.poolscope.agent.internal.export;

import io.opentelemetry.sdk.resources.Resource;
import io.poolscope.agent.internal.Diagnostics;
import io.poolscope.agent.internal.holders.HolderText;
import io.poolscope.agent.internal.leak.EventBuffer;
import io.poolscope.agent.internal.leak.LeakEvent;
import io.poolscope.agent.internal.leak.LeakScanner;
import io.poolscope.agent.internal.leak.LeakScanner.PoolScan;
import io.poolscope.agent.internal.otlp.LogRecord;
import io.poolscope.agent.internal.otlp.OtlpEncoder;
import io.poolscope.agent.internal.record.PhysicalTracker;
import io.poolscope.agent.internal.record.PoolRecorder;
import io.poolscope.agent.internal.record.Registry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The agent's two daemon threads: one scans leases for leaks at a short period, the other exports
 * every interval, backing off while the collector fails ({@link BackoffPolicy}). Nothing here ever
 * runs on, blocks or slows an application thread, even when the collector is down.
 */
public final class ExportLoop {
  private static final int MAX_EVENTS_PER_REQUEST = 500;
  private static final int GROW_AFTER = 8;
  // Closed pools kept, while exports fail, for an export to carry their final figures.
  static final int MAX_CLOSED_POOLS_KEPT = 64;

  private final Registry registry;
  private final PhysicalTracker physical;
  private final LeakScanner scanner;
  private final EventBuffer events;
  private final OtlpSender sender;
  private final OtlpEncoder encoder;
  // Call sites of the oldest holders, formatted once per lease across exports.
  private final HolderText holderText = new HolderText();
  private final long startEpochNanos = System.currentTimeMillis() * 1_000_000L;
  private final long intervalMillis;
  private final long scanMillis;
  private final BackoffPolicy backoff;
  private final Runnable housekeeping;
  private final ScheduledExecutorService executor;
  // Scans on their own thread: an export can wait on a slow collector for two request timeouts,
  // and a lease returned during such a wait after crossing the threshold would never be reported
  // (CollectorFaultsIT). LeakScanner.scan() is exclusive, so the export's own fresh scan and
  // the periodic one take turns.
  private final ScheduledExecutorService scanExecutor;
  // The periodic export and the final one (on the shutdown hook's own thread) never overlap.
  private final Object exportLock = new Object();
  private Set<PoolRecorder> exported = new HashSet<>();
  // Halved on a 413 (the collector's body limit), so large stacks cannot wedge the buffer; doubled
  // again (up to the maximum) after GROW_AFTER full batches in a row were accepted, so one
  // oversized burst does not shrink every later request for the life of the JVM.
  private int eventsPerRequest = MAX_EVENTS_PER_REQUEST;
  private int fullBatchesAccepted;
  private long refusedEvents;

  /**
   * Creates the loop.
   *
   * @param registry pools and threads
   * @param physical physical connections
   * @param scanner the leak scanner
   * @param events buffered leak events
   * @param sender the OTLP sender
   * @param resource the resource
   * @param agentVersion the agent version
   * @param intervalMillis export interval
   * @param scanMillis leak scan period
   * @param maxBackoffMillis the longest wait between exports while the collector fails
   * @param housekeeping run on the export thread after each export (releases caches)
   */
  public ExportLoop(
      Registry registry,
      PhysicalTracker physical,
      LeakScanner scanner,
      EventBuffer events,
      OtlpSender sender,
      Resource resource,
      String agentVersion,
      long intervalMillis,
      long scanMillis,
      long maxBackoffMillis,
      Runnable housekeeping) {
    this.registry = registry;
    this.physical = physical;
    this.scanner = scanner;
    this.events = events;
    this.sender = sender;
    this.encoder = new OtlpEncoder(resource.getAttributes(), "io.poolscope.agent", agentVersion);
    this.intervalMillis = intervalMillis;
    this.scanMillis = scanMillis;
    this.housekeeping = housekeeping;
    java.util.Random random = new java.util.Random();
    this.backoff =
        new BackoffPolicy(
            intervalMillis, Math.max(intervalMillis, maxBackoffMillis), random::nextDouble);
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "poolscope-export");
              t.setDaemon(true);
              return t;
            });
    this.scanExecutor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "poolscope-leak-scan");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts scanning and exporting. */
  public void start() {
    scanExecutor.scheduleWithFixedDelay(
        this::scanSafely, scanMillis, scanMillis, TimeUnit.MILLISECONDS);
    schedule(backoff.firstDelay());
  }

  private void schedule(long delayMillis) {
    try {
      executor.schedule(this::tick, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // Shut down.
    }
  }

  /**
   * One scheduled export. After a success the next is timed from this one's start, a fixed rate;
   * after a failure from its end, as the collector's Retry-After counts from its answer.
   */
  private void tick() {
    long start = System.nanoTime();
    long delay = intervalMillis;
    try {
      synchronized (exportLock) {
        delay = export(false);
      }
    } catch (Throwable t) {
      Diagnostics.error("export", t);
    }
    housekeep();
    if (backoff.failures() == 0) {
      delay -= (System.nanoTime() - start) / 1_000_000L;
    }
    schedule(Math.max(0, delay));
  }

  /** {@link #shutdown(Duration)} with a bound of 10 s. */
  public void shutdown() {
    shutdown(Duration.ofSeconds(10));
  }

  /**
   * The last export, at JVM exit (the agent's shutdown hook): it carries {@code
   * poolscope.agent.exiting} = 1, so the collector drops this JVM from its sums at once, and lets
   * short-lived jobs report their final figures. Tried once even while backing off. Returns within
   * {@code bound} whatever the collector does: the export runs on a daemon thread of its own that
   * the exiting JVM does not wait for beyond that. An export already in progress is interrupted
   * (its request gives up at once), so the final one does not queue behind it.
   *
   * @param bound how long the JVM's exit may wait for the final export (the request timeout)
   */
  public void shutdown(Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    executor.shutdownNow();
    scanExecutor.shutdownNow();
    Thread last =
        new Thread(
            () -> {
              try {
                synchronized (exportLock) {
                  export(true);
                }
              } catch (Throwable t) {
                Diagnostics.error("final export", t);
              }
            },
            "poolscope-final-export");
    last.setDaemon(true);
    last.start();
    try {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        last.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // exiting anyway
    }
  }

  private void scanSafely() {
    try {
      scan();
    } catch (Throwable t) {
      Diagnostics.error("leak scan", t);
    }
  }

  private void housekeep() {
    try {
      housekeeping.run();
    } catch (Throwable t) {
      Diagnostics.error("housekeeping", t);
    }
  }

  private Map<PoolRecorder, PoolScan> scan() {
    return scanner.scan();
  }

  /**
   * One export: metrics, then buffered leak events. Callers hold {@link #exportLock}.
   *
   * @param exiting whether this is the final export of an exiting JVM
   * @return the delay until the next export
   */
  private long export(boolean exiting) {
    Map<PoolRecorder, PoolScan> fresh = scan();
    long now = System.currentTimeMillis() * 1_000_000L;
    MetricsBuilder m = new MetricsBuilder(startEpochNanos, holderText);
    Set<PoolRecorder> current = new HashSet<>();
    for (PoolRecorder r : registry.recorders()) {
      // Read before building: a pool closed during this export is retired only after the
      // next export has carried its final figures.
      boolean ended = r.ended();
      if (r.used() || r.known()) {
        m.pool(r, fresh.get(r), now, registry, physical);
        if (ended) {
          current.add(r);
        }
      }
    }
    m.physical(physical, now);
    m.churn(registry, now);
    if (exiting) {
      m.exiting(now);
    }
    byte[] body = encoder.metrics(m.build());
    holderText.exported();
    OtlpSender.Outcome metrics = sender.sendMetrics(body);
    if (metrics.accepted()) {
      registry.retire(exported);
      exported = current;
    } else {
      refused("metrics", metrics);
      int dropped = registry.dropClosedBeyond(MAX_CLOSED_POOLS_KEPT);
      if (dropped > 0) {
        Diagnostics.notice(
            "closed pools dropped",
            "the collector has not taken an export for a while: closed pools beyond "
                + MAX_CLOSED_POOLS_KEPT
                + " are dropped without their final figures (printed once)");
      }
    }
    // A collector that fails the metrics would fail the events too: one request per attempt.
    OtlpSender.Outcome outcome = metrics.failed() ? metrics : sendEvents();
    if (!outcome.failed()) {
      if (backoff.failures() > 0) {
        Diagnostics.debug("export ok after " + backoff.failures() + " failed");
      } else {
        Diagnostics.debug("export ok");
      }
      return backoff.success();
    }
    long delay = backoff.failure(outcome.retryAfterMillis());
    Diagnostics.debug(
        "export failed: "
            + outcome
            + "; "
            + backoff.failures()
            + " in a row, next in "
            + delay
            + " ms");
    if (outcome.status() != 0 && outcome.status() / 100 == 4 && outcome.status() != 429) {
      Diagnostics.notice(
          "http " + outcome.status(),
          "the collector answers HTTP "
              + outcome.status()
              + (outcome.status() == 401 || outcome.status() == 403
                  ? " (check the agent's token)"
                  : outcome.status() == 404 ? " (check the endpoint)" : "")
              + "; exports back off up to "
              + backoff.capMillis()
              + " ms while it does (printed once)");
    }
    return delay;
  }

  private void refused(String what, OtlpSender.Outcome o) {
    if (o.refused()) {
      Diagnostics.notice(
          "refused " + what + " " + o.status(),
          "the collector refused " + what + " with HTTP " + o.status() + " (printed once)");
    }
  }

  /**
   * Sends buffered leak events, up to 20 requests.
   *
   * @return the first failure, or {@link OtlpSender.Outcome#NOTHING}
   */
  private OtlpSender.Outcome sendEvents() {
    for (int round = 0; round < 20; round++) {
      List<LeakEvent> batch = events.peek(eventsPerRequest);
      if (batch.isEmpty()) {
        break;
      }
      List<LogRecord> logs = new ArrayList<>(batch.size());
      for (LeakEvent e : batch) {
        logs.add(LeakLogRecord.of(e));
      }
      OtlpSender.Outcome o = sender.sendLogs(encoder.logs(logs));
      if (o.status() == 413 && batch.size() > 1) {
        eventsPerRequest = Math.max(1, batch.size() / 2);
        fullBatchesAccepted = 0;
        continue;
      }
      if (o.accepted() && batch.size() == eventsPerRequest) {
        if (++fullBatchesAccepted >= GROW_AFTER && eventsPerRequest < MAX_EVENTS_PER_REQUEST) {
          eventsPerRequest = Math.min(MAX_EVENTS_PER_REQUEST, eventsPerRequest * 2);
          fullBatchesAccepted = 0;
        }
      }
      if (o.failed()) {
        return o; // kept in the buffer for the next export
      }
      // Accepted, or refused for good (OTLP: not to be retried): either way out of the buffer.
      events.remove(batch);
      if (o.refused()) {
        refusedEvents += batch.size();
        refused("leak events", o);
        Diagnostics.debug(refusedEvents + " leak events refused by the collector so far");
      }
    }
    return OtlpSender.Outcome.NOTHING;
  }
}
