package io.poolscope.collector.internal.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.poolscope.collector.internal.api.ApiException;
import io.poolscope.collector.internal.fleet.CounterReading;
import io.poolscope.collector.internal.fleet.HistogramReading;
import io.poolscope.collector.internal.fleet.LeakState;
import io.poolscope.collector.internal.fleet.PodReport;
import io.poolscope.collector.internal.fleet.PoolReading;
import io.poolscope.collector.internal.fleet.TargetKey;
import io.poolscope.collector.internal.fleet.TargetReading;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a decoded metrics request into typed fleet updates without touching the fleet: the only
 * place that knows metric names. Points that break the contract (missing pool name or target,
 * negative or non-finite values, unknown histogram kinds) are rejected one by one and reported as
 * OTLP partial success; metrics outside the contract are accepted and ignored, as a receiver
 * should.
 */
public final class MetricsTranslator {
  /** Longest holder call site accepted, characters (the agent sends at most 1,024). */
  static final int MAX_HOLDER_SITE = 2048;

  /** Longest lease id accepted, characters. */
  static final int MAX_LEASE_ID = 100;

  /** The fleet updates, plus what was rejected and why (the first reason). */
  public record Result(List<PodReport> reports, long rejected, String message) {}

  /** The readings of one resource (one JVM) as its points are met. */
  private static final class Resource {
    final Map<List<Object>, PoolReading.Builder> pools = new LinkedHashMap<>();
    final Map<TargetKey, TargetReading.Builder> targets = new LinkedHashMap<>();
    boolean exiting;
    int points;

    PoolReading.Builder pool(TargetKey t, String name) {
      return pools.computeIfAbsent(List.of(t, name), k -> new PoolReading.Builder(t, name));
    }

    TargetReading.Builder target(TargetKey t) {
      return targets.computeIfAbsent(t, TargetReading.Builder::new);
    }
  }

  private long rejected;
  private String message;

  private MetricsTranslator() {}

  /** Translates a whole request (tests, and JSON bodies once parsed). */
  public static Result translate(ExportMetricsServiceRequest req) {
    return translate(req.toByteArray());
  }

  /**
   * Translates a whole protobuf request.
   *
   * @throws ApiException 400 naming the problem when the bytes are not a valid request
   */
  public static Result translate(byte[] protobuf) {
    List<MetricsDecoder.ResourceData> resources;
    try {
      resources = MetricsDecoder.decode(protobuf, Metrics.ALL::contains);
    } catch (InvalidProtocolBufferException e) {
      throw ApiException.badRequest(
          "body is not a valid OTLP ExportMetricsServiceRequest: "
              + Sanitize.text(String.valueOf(e.getMessage()), 300));
    }
    MetricsTranslator t = new MetricsTranslator();
    Map<String, Resource> byInstance = new LinkedHashMap<>();
    Map<String, ResourceInfo> who = new LinkedHashMap<>();
    for (MetricsDecoder.ResourceData rm : resources) {
      ResourceInfo info = ResourceInfo.of(rm.attributes());
      long rejectedBefore = t.rejected;
      // Two resources of one JVM in one request read into one set of readings, later points
      // winning, as in two requests.
      Resource earlier = info == null ? null : byInstance.get(info.instanceId());
      Resource r = earlier != null ? earlier : new Resource();
      int pointsBefore = r.points;
      for (MetricsDecoder.MetricData m : rm.metrics()) {
        t.metric(m, r);
      }
      if (info == null) {
        t.reject(
            r.points,
            "resource has no service.name or service.instance.id, or a name over "
                + Attributes.MAX_NAME
                + " characters");
        continue;
      }
      if (earlier == null && r.points == pointsBefore && t.rejected > rejectedBefore) {
        // Every point of this resource was rejected: like a rejected request, it changes nothing
        // (no new pod, no refreshed lastSeen), or garbage could keep a pod alive or invent one.
        continue;
      }
      if (earlier == null) {
        byInstance.put(info.instanceId(), r);
        who.put(info.instanceId(), info);
      }
    }
    List<PodReport> reports = new ArrayList<>(byInstance.size());
    byInstance.forEach(
        (id, r) -> {
          ResourceInfo i = who.get(id);
          List<PoolReading> pools = new ArrayList<>(r.pools.size());
          r.pools.values().forEach(b -> pools.add(b.build()));
          List<TargetReading> targets = new ArrayList<>(r.targets.size());
          r.targets.values().forEach(b -> targets.add(b.build()));
          reports.add(
              new PodReport(
                  i.service(),
                  i.instanceId(),
                  i.podName(),
                  i.host(),
                  i.version(),
                  r.exiting,
                  pools,
                  targets));
        });
    return new Result(reports, t.rejected, t.message);
  }

  private void metric(MetricsDecoder.MetricData m, Resource out) {
    String name = m.name();
    switch (m.kind()) {
      case GAUGE -> {
        for (MetricsDecoder.NumberPoint p : m.numbers()) {
          number(name, p, false, out);
        }
      }
      case SUM -> {
        // Semantic conventions make db.client.connection.count an UpDownCounter: a current value.
        boolean delta = Metrics.COUNTERS.contains(name) && m.delta();
        for (MetricsDecoder.NumberPoint p : m.numbers()) {
          number(name, p, delta, out);
        }
      }
      case HISTOGRAM -> {
        for (MetricsDecoder.HistogramPoint p : m.histograms()) {
          histogram(name, p, m.delta(), out);
        }
      }
      case EXPONENTIAL_HISTOGRAM ->
          reject(
              m.points(),
              name + ": exponential histograms are not supported; use explicit buckets");
      case SUMMARY -> reject(1, name + ": unexpected data type SUMMARY");
      default -> reject(1, name + ": unexpected data type DATA_NOT_SET");
    }
  }

  private void number(String name, MetricsDecoder.NumberPoint p, boolean delta, Resource out) {
    double v = p.value();
    if (!p.hasValue()) {
      reject(1, name + ": data point without a value");
      return;
    }
    if (!Double.isFinite(v) || v < 0) {
      reject(1, name + ": value " + v + " is not a finite non-negative number");
      return;
    }
    if (Metrics.AGENT_EXITING.equals(name)) {
      // The JVM's shutdown hook: no target, no pool; this export is its last.
      out.exiting |= v > 0;
      out.points++;
      return;
    }
    Map<String, String> a = p.attributes();
    CounterReading c = new CounterReading(v, delta, p.startNanos());
    if (Metrics.POD_LEVEL.contains(name)) {
      TargetKey target = target(name, a);
      String attr =
          switch (name) {
            case Metrics.REFUSED -> a.getOrDefault("error.type", "unknown");
            case Metrics.POOLS_CREATED, Metrics.POOLS_CLOSED ->
                a.getOrDefault("poolscope.pool.type", "unknown");
            default -> null;
          };
      if (target == null || !attrOk(name, attr)) {
        return;
      }
      TargetReading.Builder t = out.target(target);
      switch (name) {
        case Metrics.OPEN -> t.open(a.get("db.user"), v);
        case Metrics.REFUSED -> t.refused(attr, a.get("poolscope.refused.limit"), c);
        case Metrics.POOLS_CREATED -> t.created(attr, c);
        default -> t.closed(attr, c);
      }
      out.points++;
      return;
    }
    String state =
        switch (name) {
          case Metrics.COUNT -> a.get("db.client.connection.state");
          case Metrics.LEAKS -> a.get("poolscope.leak.state");
          case Metrics.CONNECTIONS_CLOSED -> a.getOrDefault("poolscope.close.reason", "other");
          default -> "";
        };
    if (state == null) {
      // Checked before the pool is looked at: a rejected point must not create a pool.
      if (target(name, a) != null) {
        reject(1, name + ": missing state attribute");
      }
      return;
    }
    if (!attrOk(name, state)) {
      return;
    }
    PoolReading.Holder holder = null;
    if (Metrics.HOLDER_AGE.equals(name)) {
      holder = holder(a, v);
      if (holder == null) {
        return;
      }
    }
    PoolReading.Builder pool = pool(name, a, out);
    if (pool == null) {
      return;
    }
    switch (name) {
      case Metrics.COUNT -> {
        if ("used".equals(state)) {
          pool.used(v);
        } else if ("idle".equals(state)) {
          pool.idle(v);
        }
      }
      case Metrics.LEAKS -> {
        LeakState s = LeakState.of(state);
        if (s != null) {
          pool.leaks(s, c);
        }
      }
      case Metrics.MAX -> pool.max(v);
      case Metrics.IDLE_MIN -> pool.minIdle(v);
      case Metrics.PENDING -> pool.pending(v);
      case Metrics.OLDEST_USE -> pool.oldestUse(v);
      case Metrics.TIMEOUTS -> pool.timeouts(c);
      case Metrics.POOL_OPEN -> pool.open(v > 0);
      case Metrics.CONNECTIONS_CLOSED -> pool.connectionsClosed(state, c);
      case Metrics.OLDEST_AGE -> pool.oldestAge(v);
      case Metrics.MAX_LIFETIME -> pool.maxLifetime(v);
      case Metrics.HOLDER_AGE -> {
        if (!pool.holder(holder)) {
          reject(
              1,
              name
                  + ": more than "
                  + PoolReading.MAX_HOLDERS
                  + " holders for one pool; the oldest are kept");
        }
      }
      default -> {
        // A histogram name sent as a number: outside the contract, ignored.
      }
    }
    out.points++;
  }

  private void histogram(
      String name, MetricsDecoder.HistogramPoint p, boolean delta, Resource out) {
    double[] bounds = p.bounds();
    int nb = bounds.length;
    long[] counts = p.counts();
    if (counts.length != nb + 1) {
      reject(1, name + ": " + counts.length + " bucket counts for " + nb + " bounds");
      return;
    }
    for (int i = 0; i < nb; i++) {
      if (!Double.isFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
        reject(1, name + ": bucket bounds must be finite and increasing");
        return;
      }
    }
    long total = 0;
    for (int i = 0; i <= nb; i++) {
      if (counts[i] < 0 || total + counts[i] < 0) {
        // fixed64 in the protocol; a "negative" count is an overflow or garbage.
        reject(1, name + ": bucket count out of range");
        return;
      }
      total += counts[i];
    }
    if (total != p.count()) {
      reject(1, name + ": count " + p.count() + " is not the sum of its bucket counts " + total);
      return;
    }
    double sum = p.hasSum() ? p.sum() : 0;
    if (!Double.isFinite(sum)) {
      reject(1, name + ": sum is not finite");
      return;
    }
    PoolReading.Builder pool = pool(name, p.attributes(), out);
    if (pool == null) {
      return;
    }
    HistogramReading h = new HistogramReading(bounds, counts, sum, delta, p.startNanos());
    switch (name) {
      case Metrics.WAIT_TIME -> pool.waitTime(h);
      case Metrics.USE_TIME -> pool.useTime(h);
      case Metrics.CREATE_TIME -> pool.createTime(h);
      default -> {
        // A gauge name sent as a histogram: outside the contract, ignored.
      }
    }
    out.points++;
  }

  /** A holder point's lease, or null (rejected) without a thread or with a value too long. */
  private PoolReading.Holder holder(Map<String, String> a, double age) {
    String thread = a.get("thread.name");
    String lease = a.get("poolscope.lease.id");
    String site = a.get("code.stacktrace");
    if (thread == null
        || !Attributes.ok(thread)
        || (lease != null && lease.length() > MAX_LEASE_ID)
        || (site != null && site.length() > MAX_HOLDER_SITE)) {
      reject(
          1,
          Metrics.HOLDER_AGE
              + ": thread.name missing or over "
              + Attributes.MAX_NAME
              + ", poolscope.lease.id over "
              + MAX_LEASE_ID
              + " or code.stacktrace over "
              + MAX_HOLDER_SITE
              + " characters");
      return null;
    }
    return new PoolReading.Holder(thread, age, lease, site == null || site.isEmpty() ? null : site);
  }

  private TargetKey target(String name, Map<String, String> a) {
    TargetKey target = Attributes.target(a);
    if (target == null) {
      reject(1, name + ": missing or invalid database target attributes (db.system.name)");
    }
    return target;
  }

  /** The pool a per-pool point belongs to, or null (rejected) without a target or pool name. */
  private PoolReading.Builder pool(String name, Map<String, String> a, Resource out) {
    TargetKey target = target(name, a);
    if (target == null) {
      return null;
    }
    String pool = a.get("db.client.connection.pool.name");
    if (pool == null || pool.isEmpty()) {
      reject(1, name + ": missing db.client.connection.pool.name");
      return null;
    }
    String poolType = a.get("poolscope.pool.type");
    String family = a.get("poolscope.pool.family");
    if (!Attributes.ok(pool) || !Attributes.ok(poolType) || !Attributes.ok(family)) {
      reject(1, name + ": a name is over " + Attributes.MAX_NAME + " characters");
      return null;
    }
    return out.pool(target, pool)
        .type(poolType)
        .family(family == null || family.isEmpty() ? null : family);
  }

  private boolean attrOk(String name, String attr) {
    if (!Attributes.ok(attr)) {
      reject(1, name + ": attribute value over " + Attributes.MAX_NAME + " characters");
      return false;
    }
    return true;
  }

  private void reject(long n, String why) {
    if (n <= 0) {
      return;
    }
    rejected += n;
    if (message == null) {
      message = why;
    }
  }
}
