package io.poolscope.benchmarks;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.poolscope.benchmarks.internal.load.HeapSampler;
import io.poolscope.benchmarks.internal.load.Latencies;
import io.poolscope.benchmarks.internal.load.SimulatedPod;
import io.poolscope.benchmarks.internal.load.StoreStats;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load generator for the collector (issue 4, "Performance"): N simulated pods, each exporting two
 * pools every interval as OTLP/HTTP protobuf, staggered evenly across the interval (so the first
 * interval is the ramp-in), for a bounded duration, with bounded concurrency; meanwhile dashboard
 * pollers read {@code GET /api/overview} and {@code GET /api/databases/{id}}. Prints ingest and API
 * latency percentiles, rejected requests and, with {@code --collector-pid}, the collector's heap.
 *
 * <p>When the collector cannot keep up, the concurrency bound makes the generator fall behind its
 * schedule rather than pile up requests; the schedule lag is reported, so "no rejected request"
 * cannot hide a collector that was simply sent less than the target rate.
 *
 * <p>Usage: {@code CollectorLoad --url http://127.0.0.1:4318 --pods 10000 --duration 300
 * [--interval 10] [--concurrency 64] [--services 200] [--databases 20] [--pollers 2]
 * [--poll-pause-ms 500] [--collector-pid PID[,PID...]] [--store-url JDBC]}. Only loopback URLs are
 * accepted. Several comma-separated {@code --url}s are replicas of one store: pod i exports to the
 * i-th modulo N, pollers are spread over them, and each must list the whole fleet; {@code
 * --store-url} (a PostgreSQL JDBC URL with user and password) adds the store's commits, rows, WAL
 * bytes and CPU, per second and per export.
 */
public final class CollectorLoad {

  /**
   * A database's id in {@code /api/overview}: the {@code id} followed by {@code system}, which
   * server entries (also with an {@code id}) do not have.
   */
  private static final Pattern DB_ID =
      Pattern.compile("\"id\"\\s*:\\s*\"([A-Za-z0-9._~-]+)\"\\s*,\\s*\"system\"");

  private static final Pattern PODS = Pattern.compile("\"pods\"\\s*:\\s*(\\d+)");

  private CollectorLoad() {}

  /** Runs the load; see the class Javadoc for the arguments. Exit code 0 unless it cannot run. */
  public static void main(String[] args) throws Exception {
    Map<String, String> opt = AgentBench.parseArgs(args);
    // Several URLs are replicas sharing one store: pod i exports to replica i mod N.
    List<URI> bases = new ArrayList<>();
    for (String u : opt.getOrDefault("url", "http://127.0.0.1:4318").split(",")) {
      URI b = URI.create(u.trim());
      if (!InetAddress.getByName(b.getHost()).isLoopbackAddress()) {
        // This generator is for a collector on this machine only.
        throw new IllegalArgumentException("--url must be a loopback address, got " + b);
      }
      bases.add(b);
    }
    URI base = bases.get(0);
    int pods = Integer.parseInt(opt.getOrDefault("pods", "1000"));
    long durationS = Long.parseLong(opt.getOrDefault("duration", "60"));
    long intervalS = Long.parseLong(opt.getOrDefault("interval", "10"));
    int concurrency = Integer.parseInt(opt.getOrDefault("concurrency", "64"));
    int services =
        Integer.parseInt(opt.getOrDefault("services", Integer.toString(Math.max(1, pods / 50))));
    int databases = Integer.parseInt(opt.getOrDefault("databases", "20"));
    int pollers = Integer.parseInt(opt.getOrDefault("pollers", "2"));
    long pollPauseMs = Long.parseLong(opt.getOrDefault("poll-pause-ms", "500"));
    List<HeapSampler> heaps = new ArrayList<>();
    if (opt.containsKey("collector-pid")) {
      for (String pid : opt.get("collector-pid").split(",")) {
        heaps.add(new HeapSampler(Long.parseLong(pid.trim())));
      }
    }
    HeapSampler heap = heaps.isEmpty() ? null : heaps.get(0);
    StoreStats store = opt.containsKey("store-url") ? new StoreStats(opt.get("store-url")) : null;

    String runId = Long.toString(System.currentTimeMillis(), 36);
    long epochStart = System.currentTimeMillis() * 1_000_000L;
    SimulatedPod[] fleet = new SimulatedPod[pods];
    for (int i = 0; i < pods; i++) {
      fleet[i] = new SimulatedPod(i, services, databases, runId, epochStart);
    }
    System.out.printf(
        Locale.ROOT,
        "load: %d pods (%d services, %d databases, 2 pools each) every %d s for %d s to %s,"
            + " concurrency %d, %d API pollers%n",
        pods,
        services,
        databases,
        intervalS,
        durationS,
        bases,
        concurrency,
        pollers);

    // Few threads on purpose: the generator shares 2 cores with the collector it measures.
    ExecutorService io = Executors.newFixedThreadPool(2, daemon("load-io"));
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(io)
            .build();
    List<URI> metricsUris = bases.stream().map(b -> b.resolve("/v1/metrics")).toList();

    Semaphore inFlight = new Semaphore(concurrency);
    IngestResults results = new IngestResults(inFlight);
    Latencies ingest = results.all;
    Latencies ingestSteady = results.steady;
    AtomicLong rejected = results.rejected;
    AtomicLong failed = results.failed;
    AtomicLong partial = results.partial;
    AtomicLong sentBytes = results.bytes;
    Map<Integer, AtomicLong> statuses = results.statuses;
    List<String> firstErrors = results.firstErrors;
    ExecutorService builders = Executors.newFixedThreadPool(2, daemon("load-build"));
    Latencies overview = new Latencies();
    Latencies database = new Latencies();
    AtomicLong apiErrors = new AtomicLong();
    List<String> firstApiErrors = Collections.synchronizedList(new ArrayList<>());
    LongAccumulator maxLagNanos = new LongAccumulator(Math::max, 0);
    AtomicLong lateOver1s = new AtomicLong();

    long intervalNanos = TimeUnit.SECONDS.toNanos(intervalS);
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
    long end = start + TimeUnit.SECONDS.toNanos(durationS);

    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < pollers; p++) {
      // Dashboards, too, are spread over the replicas.
      URI pollBase = bases.get(p % bases.size());
      Thread t =
          new Thread(
              () ->
                  poll(
                      client,
                      pollBase,
                      end,
                      pollPauseMs,
                      overview,
                      database,
                      apiErrors,
                      firstApiErrors),
              "api-poller-" + p);
      t.setDaemon(true);
      threads.add(t);
    }
    for (HeapSampler h : heaps) {
      Thread sampler = new Thread(() -> h.sampleUntil(end), "heap-sampler");
      sampler.setDaemon(true);
      sampler.start();
    }
    double cpuBefore = heaps.stream().mapToDouble(HeapSampler::cpuSeconds).sum();
    StoreStats.Reading storeBefore = store == null ? null : store.read();
    threads.forEach(Thread::start);

    long sent = 0;
    long notSent = 0;
    schedule:
    for (long tick = 0; ; tick++) {
      for (int i = 0; i < pods; i++) {
        // Pod i exports at start + i/N of the interval, then every interval after that.
        long due = start + tick * intervalNanos + (intervalNanos * i) / pods;
        if (due >= end) {
          break schedule;
        }
        if (System.nanoTime() >= end) {
          // The duration is a bound: exports the generator is too far behind to send in time
          // are counted as not sent, not sent late after the end.
          notSent++;
          continue;
        }
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        inFlight.acquire();
        long lag = System.nanoTime() - due;
        maxLagNanos.accumulate(lag);
        if (lag > TimeUnit.SECONDS.toNanos(1)) {
          lateOver1s.incrementAndGet();
        }
        // Building and sending happen on two builder threads: an export costs 0.1-0.2 ms to
        // build, too much for the single dispatching thread at 1,000 pods per second.
        SimulatedPod pod = fleet[i];
        URI uri = metricsUris.get(i % bases.size());
        long podTick = tick;
        sent++;
        builders.execute(
            () -> {
              try {
                send(client, uri, pod, podTick, results);
              } catch (RuntimeException e) {
                inFlight.release();
                results.failed.incrementAndGet();
                note(results.firstErrors, "ingest: " + e);
              }
            });
      }
    }
    // Let the last requests finish (each has a 10 s timeout).
    inFlight.tryAcquire(concurrency, 15, TimeUnit.SECONDS);
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(15));
    }
    long elapsedNanos = System.nanoTime() - start;

    // What the collector holds now: every pod should be there.
    // Pods are sent in index order, so the first `sent` exports (capped at N) cover distinct pods.
    StoreStats.Reading storeDelta = store == null ? null : store.read().minus(storeBefore);
    // Every replica must list the whole fleet, whichever replica each pod exported to.
    List<String> checks = new ArrayList<>();
    for (URI b : bases) {
      checks.add(fleetCheck(client, b, (int) Math.min(pods, sent)));
    }
    String fleetCheck = String.join("; ", checks);

    Map<String, String> report = new LinkedHashMap<>();
    report.put(
        "ingest requests sent",
        String.format(
            Locale.ROOT,
            "%d of %d scheduled (%d not sent by the end: generator behind schedule)",
            sent,
            sent + notSent,
            notSent));
    report.put(
        "ingest rate",
        String.format(
            Locale.ROOT,
            "%.1f req/s over the %d s (target %.1f), %.1f KiB per request",
            sent / (double) durationS,
            durationS,
            pods / (double) intervalS,
            sent == 0 ? 0.0 : sentBytes.get() / 1024.0 / sent));
    report.put("ingest latency (all)", ingest.describe());
    report.put("ingest latency (after ramp-in)", ingestSteady.describe());
    report.put("ingest rejected (non-2xx)", Long.toString(rejected.get()));
    report.put("ingest failed (no response)", Long.toString(failed.get()));
    report.put("ingest partial_success with rejected points", Long.toString(partial.get()));
    report.put("ingest status codes", statuses.toString());
    report.put(
        "schedule lag",
        String.format(
            Locale.ROOT,
            "max %.1f ms, %d sends more than 1 s late",
            maxLagNanos.get() / 1e6,
            lateOver1s.get()));
    report.put("GET /api/overview", overview.describe());
    report.put("GET /api/databases/{id}", database.describe());
    report.put(
        "fleet API p99 (both)",
        String.format(
            Locale.ROOT,
            "%.1f ms",
            Math.max(overview.quantileMillis(0.99), database.quantileMillis(0.99))));
    report.put("fleet API errors", Long.toString(apiErrors.get()));
    report.put("fleet check", fleetCheck);
    long accepted = statuses.getOrDefault(200, new AtomicLong()).get();
    if (heap != null) {
      double cpu = heaps.stream().mapToDouble(HeapSampler::cpuSeconds).sum() - cpuBefore;
      long live = -1;
      try {
        live = heap.liveAfterFullGc();
      } catch (Exception e) {
        note(firstErrors, "heap: " + e);
      }
      report.put(
          "collector heap",
          String.format(
              Locale.ROOT,
              "max used %.0f MiB (jstat every 5 s), live after full GC %.0f MiB, max RSS %.0f MiB%s",
              heap.maxUsedBytes() / 1048576.0,
              live / 1048576.0,
              heap.maxRssBytes() / 1048576.0,
              heap.lastError() == null ? "" : " (sampling error: " + heap.lastError() + ")"));
      report.put(
          "collector CPU",
          String.format(
              Locale.ROOT,
              "%.1f s over %.0f s = %.2f cores (%d replica%s)",
              cpu,
              elapsedNanos / 1e9,
              cpu / (elapsedNanos / 1e9),
              heaps.size(),
              heaps.size() == 1 ? "" : "s, summed"));
      report.put(
          "collector CPU per export",
          String.format(Locale.ROOT, "%.3f ms", accepted == 0 ? 0.0 : cpu * 1000 / accepted));
    }
    if (storeDelta != null) {
      double seconds = elapsedNanos / 1e9;
      double per = Math.max(1, accepted);
      report.put(
          "store writes",
          String.format(
              Locale.ROOT,
              "%.1f transactions/s (reads included), %.1f rows written/s, %.1f KiB WAL/s",
              storeDelta.commits() / seconds,
              storeDelta.rowsWritten() / seconds,
              storeDelta.walBytes() / 1024.0 / seconds));
      report.put(
          "store per export",
          String.format(
              Locale.ROOT,
              "%.2f transactions, %.2f rows written, %.0f bytes WAL, %.2f pod rows read",
              storeDelta.commits() / per,
              storeDelta.rowsWritten() / per,
              storeDelta.walBytes() / per,
              storeDelta.podRowsRead() / per));
      report.put(
          "store CPU",
          String.format(
              Locale.ROOT,
              "%.1f s = %.2f cores, %.3f ms per export",
              storeDelta.cpuSeconds(),
              storeDelta.cpuSeconds() / seconds,
              storeDelta.cpuSeconds() * 1000 / per));
      report.put(
          "store size",
          String.format(
              Locale.ROOT,
              "poolscope_pod_state %.1f MiB for %d pods (%.0f bytes per pod)",
              storeDelta.podTableBytes() / 1048576.0,
              pods,
              storeDelta.podTableBytes() / (double) pods));
    }
    report.put(
        "load generator CPU",
        ProcessHandle.current()
            .info()
            .totalCpuDuration()
            .map(
                d ->
                    String.format(
                        Locale.ROOT,
                        "%.1f s = %.2f cores (it shares the 2 cores with the collector)",
                        d.toMillis() / 1000.0,
                        d.toMillis() / 1e6 / (elapsedNanos / 1e9) * 1000))
            .orElse("unknown"));
    System.out.println();
    report.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-45s %s%n", k, v));
    if (!firstErrors.isEmpty()) {
      System.out.println("\nfirst errors:");
      firstErrors.forEach(e -> System.out.println("  " + e));
    }
    if (!firstApiErrors.isEmpty()) {
      System.out.println("\nfirst API errors:");
      firstApiErrors.forEach(e -> System.out.println("  " + e));
    }
    io.shutdownNow();
    builders.shutdownNow();
  }

  /** What the ingest requests came back with; written from the HTTP client's threads. */
  private static final class IngestResults {
    final Semaphore inFlight;
    final Latencies all = new Latencies();
    final Latencies steady = new Latencies();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong partial = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    final List<String> firstErrors = Collections.synchronizedList(new ArrayList<>());

    IngestResults(Semaphore inFlight) {
      this.inFlight = inFlight;
    }
  }

  /** Builds one export of {@code pod} and posts it; the permit is released on completion. */
  private static void send(
      HttpClient client, URI uri, SimulatedPod pod, long tick, IngestResults r) {
    byte[] body = pod.export(tick, System.currentTimeMillis() * 1_000_000L).toByteArray();
    r.bytes.addAndGet(body.length);
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    // The first interval is the ramp-in; "steady" latencies leave it out.
    boolean steady = tick > 0;
    long t0 = System.nanoTime();
    client
        .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .whenComplete(
            (resp, err) -> {
              long took = System.nanoTime() - t0;
              r.inFlight.release();
              if (err != null) {
                r.failed.incrementAndGet();
                note(r.firstErrors, "ingest: " + err);
                return;
              }
              r.all.add(took);
              if (steady) {
                r.steady.add(took);
              }
              r.statuses
                  .computeIfAbsent(resp.statusCode(), s -> new AtomicLong())
                  .incrementAndGet();
              if (resp.statusCode() / 100 != 2) {
                r.rejected.incrementAndGet();
                note(
                    r.firstErrors,
                    "ingest HTTP "
                        + resp.statusCode()
                        + ": "
                        + new String(resp.body(), StandardCharsets.UTF_8));
              } else if (isPartial(resp)) {
                r.partial.incrementAndGet();
              }
            });
  }

  private static boolean isPartial(HttpResponse<byte[]> resp) {
    String type = resp.headers().firstValue("Content-Type").orElse("");
    if (!type.startsWith("application/x-protobuf") || resp.body().length == 0) {
      return false;
    }
    try {
      ExportMetricsServiceResponse r = ExportMetricsServiceResponse.parseFrom(resp.body());
      return r.hasPartialSuccess() && r.getPartialSuccess().getRejectedDataPoints() > 0;
    } catch (Exception e) {
      return false;
    }
  }

  /** One dashboard: overview, then one database's detail, then a pause; until {@code end}. */
  private static void poll(
      HttpClient client,
      URI base,
      long end,
      long pauseMs,
      Latencies overview,
      Latencies database,
      AtomicLong errors,
      List<String> firstErrors) {
    while (System.nanoTime() < end) {
      try {
        long t0 = System.nanoTime();
        HttpResponse<String> r = get(client, base.resolve("/api/overview"));
        overview.add(System.nanoTime() - t0);
        if (r.statusCode() != 200) {
          errors.incrementAndGet();
          note(firstErrors, "overview HTTP " + r.statusCode() + ": " + r.body());
        } else {
          List<String> ids = new ArrayList<>();
          // Database ids only: the servers listed before them have ids too, and nested
          // "databases" of their own; the top-level list is the last one before "services".
          String body = r.body();
          int services = body.indexOf("\"services\":");
          int from =
              Math.max(
                  0, body.lastIndexOf("\"databases\":", services < 0 ? body.length() : services));
          Matcher m = DB_ID.matcher(body);
          m.region(from, services < from ? body.length() : services);
          while (m.find()) {
            ids.add(m.group(1));
          }
          if (!ids.isEmpty()) {
            String id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
            long t1 = System.nanoTime();
            HttpResponse<String> d = get(client, base.resolve("/api/databases/" + id));
            database.add(System.nanoTime() - t1);
            if (d.statusCode() != 200) {
              errors.incrementAndGet();
              note(firstErrors, "database HTTP " + d.statusCode() + ": " + d.body());
            }
          }
        }
      } catch (Exception e) {
        errors.incrementAndGet();
        note(firstErrors, "api: " + e);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pauseMs));
    }
  }

  private static String fleetCheck(HttpClient client, URI base, int pods) {
    try {
      HttpResponse<String> r = get(client, base.resolve("/api/overview"));
      if (r.statusCode() != 200) {
        return "overview HTTP " + r.statusCode();
      }
      // "services": [{"name": .., "pods": N, ..}] - the per-service pod counts add up to the fleet.
      String body = r.body();
      int servicesAt = body.indexOf("\"services\":[");
      if (servicesAt < 0) {
        servicesAt = body.indexOf("\"services\": [");
      }
      long seen = 0;
      if (servicesAt >= 0) {
        Matcher m = PODS.matcher(body.substring(servicesAt));
        while (m.find()) {
          seen += Long.parseLong(m.group(1));
        }
      }
      return String.format(
          Locale.ROOT,
          "%d pods listed in /api/overview services (%d pods sent)%s",
          seen,
          pods,
          seen >= pods ? "" : " - MISSING PODS");
    } catch (Exception e) {
      return "failed: " + e;
    }
  }

  private static HttpResponse<String> get(HttpClient client, URI uri) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void note(List<String> errors, String e) {
    if (errors.size() < 10) {
      errors.add(e.length() > 300 ? e.substring(0, 300) + "..." : e);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicLong n = new AtomicLong();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
