package io.poolscope.agent.internal.export;

import io.opentelemetry.exporter.internal.otlp.logs.LogsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import io.poolscope.agent.internal.Diagnostics;
import io.poolscope.agent.internal.leak.EventBuffer;
import io.poolscope.agent.internal.leak.LeakEvent;
import io.poolscope.agent.internal.leak.LeakScanner;
import io.poolscope.agent.internal.leak.LeakScanner.PoolScan;
import io.poolscope.agent.internal.record.PhysicalTracker;
import io.poolscope.agent.internal.record.PoolRecorder;
import io.poolscope.agent.internal.record.Registry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The agent's single daemon thread: scans leases for leaks at a short period and exports every
 * interval. Nothing here ever runs on, blocks or slows an application thread, even when the
 * collector is down.
 */
public final class ExportLoop {
  private static final int MAX_EVENTS_PER_REQUEST = 500;

  private final Registry registry;
  private final PhysicalTracker physical;
  private final LeakScanner scanner;
  private final EventBuffer events;
  private final OtlpSender sender;
  private final Resource resource;
  private final InstrumentationScopeInfo scope;
  private final long startEpochNanos = System.currentTimeMillis() * 1_000_000L;
  private final long intervalMillis;
  private final long scanMillis;
  private final Runnable housekeeping;
  private final ScheduledExecutorService executor;
  // Scans on their own thread: an export can wait on a slow collector for two request timeouts,
  // and a lease returned during such a wait after crossing the threshold would never be reported
  // (CollectorFaultsIT). The lock makes the export's own fresh scan and the periodic one take
  // turns.
  private final ScheduledExecutorService scanExecutor;
  private final Object scanLock = new Object();
  private Set<PoolRecorder> exported = new HashSet<>();

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
      Runnable housekeeping) {
    this.registry = registry;
    this.physical = physical;
    this.scanner = scanner;
    this.events = events;
    this.sender = sender;
    this.resource = resource;
    this.scope =
        InstrumentationScopeInfo.builder("io.poolscope.agent").setVersion(agentVersion).build();
    this.intervalMillis = intervalMillis;
    this.scanMillis = scanMillis;
    this.housekeeping = housekeeping;
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
    executor.scheduleAtFixedRate(
        this::exportSafely, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  /** Last export at JVM exit, bounded by the request timeout, so short-lived jobs still report. */
  public void shutdown() {
    try {
      executor.submit(this::exportSafely).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Exiting anyway.
    }
    executor.shutdownNow();
    scanExecutor.shutdownNow();
  }

  private void scanSafely() {
    try {
      scan();
    } catch (Throwable t) {
      Diagnostics.error("leak scan", t);
    }
  }

  private void exportSafely() {
    try {
      export();
    } catch (Throwable t) {
      Diagnostics.error("export", t);
    }
    try {
      housekeeping.run();
    } catch (Throwable t) {
      Diagnostics.error("housekeeping", t);
    }
  }

  private Map<PoolRecorder, PoolScan> scan() {
    synchronized (scanLock) {
      return scanner.scan();
    }
  }

  private void export() {
    Map<PoolRecorder, PoolScan> fresh = scan();
    long now = System.currentTimeMillis() * 1_000_000L;
    MetricsBuilder m = new MetricsBuilder(resource, scope, startEpochNanos);
    Set<PoolRecorder> current = new HashSet<>();
    for (PoolRecorder r : registry.recorders()) {
      // Read before building: a pool closed during this export is retired only after the
      // next export has carried its final figures.
      boolean closed = r.closed() || r.dataSource() == null;
      if (r.used() || r.known()) {
        m.pool(r, fresh.get(r), now, registry, physical);
        if (closed) {
          current.add(r);
        }
      }
    }
    m.physical(physical, now);
    m.churn(registry, now);
    boolean ok = sender.sendMetrics(MetricsRequestMarshaler.create(m.build()));
    if (ok) {
      registry.retire(exported);
      exported = current;
    }
    Diagnostics.debug("metrics export " + (ok ? "ok" : "failed"));
    sendEvents();
  }

  private void sendEvents() {
    for (int round = 0; round < 20; round++) {
      List<LeakEvent> batch = events.peek(MAX_EVENTS_PER_REQUEST);
      if (batch.isEmpty()) {
        return;
      }
      List<LogRecordData> logs = new ArrayList<>(batch.size());
      for (LeakEvent e : batch) {
        logs.add(new LeakLogRecord(resource, scope, e));
      }
      if (!sender.sendLogs(LogsRequestMarshaler.create(logs))) {
        return; // kept in the buffer for the next interval
      }
      events.remove(batch);
    }
  }
}
