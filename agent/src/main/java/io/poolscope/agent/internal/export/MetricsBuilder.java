package io.poolscope.agent.internal.export;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.poolscope.agent.internal.holders.HolderText;
import io.poolscope.agent.internal.holders.OldestHolders;
import io.poolscope.agent.internal.leak.LeakScanner.PoolScan;
import io.poolscope.agent.internal.otlp.HistogramPoint;
import io.poolscope.agent.internal.otlp.Metric;
import io.poolscope.agent.internal.otlp.NumberPoint;
import io.poolscope.agent.internal.pools.PoolAdapter;
import io.poolscope.agent.internal.record.Buckets;
import io.poolscope.agent.internal.record.CloseReason;
import io.poolscope.agent.internal.record.HistogramSnapshot;
import io.poolscope.agent.internal.record.PhysicalLife;
import io.poolscope.agent.internal.record.PhysicalTracker;
import io.poolscope.agent.internal.record.PoolRecorder;
import io.poolscope.agent.internal.record.Registry;
import io.poolscope.agent.internal.target.DbTarget;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Builds one export's metrics, with exactly the names, units and attributes of the telemetry
 * contract. Cumulative temporality: a failed export loses nothing, the next one carries the totals.
 * Runs on the agent thread.
 */
final class MetricsBuilder {
  private static final double[] BOUNDS = bounds();

  private final long startEpochNanos;
  private final HolderText holderText;

  private final List<NumberPoint> count = new ArrayList<>();
  private final List<NumberPoint> max = new ArrayList<>();
  private final List<NumberPoint> minIdle = new ArrayList<>();
  private final List<NumberPoint> pending = new ArrayList<>();
  private final List<NumberPoint> timeouts = new ArrayList<>();
  private final List<HistogramPoint> wait = new ArrayList<>();
  private final List<HistogramPoint> use = new ArrayList<>();
  private final List<HistogramPoint> create = new ArrayList<>();
  private final List<NumberPoint> leaks = new ArrayList<>();
  private final List<NumberPoint> oldest = new ArrayList<>();
  private final List<NumberPoint> holders = new ArrayList<>();
  private final List<NumberPoint> open = new ArrayList<>();
  private final List<NumberPoint> refused = new ArrayList<>();
  private final List<NumberPoint> created = new ArrayList<>();
  private final List<NumberPoint> closed = new ArrayList<>();
  private final List<NumberPoint> connClosed = new ArrayList<>();
  private final List<NumberPoint> oldestAge = new ArrayList<>();
  private final List<NumberPoint> maxLifetime = new ArrayList<>();
  // Each pool's oldest physical open (System.nanoTime), read once per export at the first pool.
  private Map<PoolRecorder, Long> oldestOpen;
  private long oldestAt;
  private final List<NumberPoint> poolOpen = new ArrayList<>();
  private final List<NumberPoint> exiting = new ArrayList<>();

  // Per pool, the creates its own threads made without naming it: decided once per export.
  private Map<PoolRecorder, HistogramSnapshot> unattributedCreates;

  MetricsBuilder(long startEpochNanos, HolderText holderText) {
    this.startEpochNanos = startEpochNanos;
    this.holderText = holderText;
  }

  private static double[] bounds() {
    double[] b = new double[Buckets.SECONDS.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = Buckets.SECONDS.get(i);
    }
    return b;
  }

  void pool(PoolRecorder r, PoolScan scan, long now, Registry registry, PhysicalTracker physical) {
    // Before any figure is read: an export that says 0 carries figures read after the close.
    // Unpooled sources (DriverManager) have no pool object and never close.
    boolean ended = !r.unpooled() && r.ended();
    Object ds = r.dataSource();
    DbTarget target = r.target();
    Attributes a = Attrs.pool(r.name(), r.family(), target);
    long start = r.createdEpochNanos();
    PoolAdapter adapter = r.adapter();
    Integer used = ds == null ? null : adapter.used(ds);
    Integer idle = ds == null ? null : adapter.idle(ds);
    int held = scan == null ? 0 : scan.held;
    count.add(
        NumberPoint.of(
            start,
            now,
            a.toBuilder().put(Attrs.STATE, "used").build(),
            used != null ? used : held));
    if (idle != null) {
      count.add(NumberPoint.of(start, now, a.toBuilder().put(Attrs.STATE, "idle").build(), idle));
    }
    Integer mx = ds == null ? null : adapter.max(ds);
    if (mx != null) {
      max.add(NumberPoint.of(start, now, a, mx));
    }
    Integer mi = ds == null ? null : adapter.minIdle(ds);
    if (mi != null) {
      minIdle.add(NumberPoint.of(start, now, a, mi));
    }
    Integer waiting = ds == null ? null : adapter.pending(ds);
    long inside = scan == null ? 0 : scan.pending;
    pending.add(NumberPoint.of(start, now, a, waiting != null ? waiting : inside));
    HistogramSnapshot w = new HistogramSnapshot();
    HistogramSnapshot u = new HistogramSnapshot();
    HistogramSnapshot c = new HistogramSnapshot();
    long t = r.snapshot(w, u, c);
    if (r.known()) {
      if (unattributedCreates == null) {
        unattributedCreates = physical.unattributedCreates(registry);
      }
      HistogramSnapshot own = unattributedCreates.get(r);
      if (own != null) {
        c.add(own);
      }
    }
    timeouts.add(NumberPoint.of(start, now, a, t));
    wait.add(histogram(start, now, a, w));
    use.add(histogram(start, now, a, u));
    if (c.count > 0) {
      create.add(histogram(start, now, a, c));
    }
    leaks.add(leak(start, now, a, "suspected", r.leaksSuspected));
    leaks.add(leak(start, now, a, "returned", r.leaksReturned));
    leaks.add(leak(start, now, a, "collected", r.leaksCollected));
    oldest.add(NumberPoint.of(start, now, a, scan == null ? 0.0 : scan.oldestNanos / 1e9));
    if (scan != null) {
      holders(scan.holders, a, start, now);
    }
    poolOpen.add(NumberPoint.of(start, now, a, ended ? 0 : 1));
    physicalLife(r, ds, a, start, now, registry, physical);
  }

  /** One point per lease among the pool's oldest still held: its age, thread and call site. */
  private void holders(OldestHolders kept, Attributes a, long start, long now) {
    for (OldestHolders.Holder h : kept.oldestFirst()) {
      AttributesBuilder b =
          a.toBuilder()
              .put(Attrs.THREAD_NAME, HolderText.thread(h.thread))
              .put(Attrs.LEASE_ID, Long.toHexString(h.leaseId));
      String site = holderText.callSite(h.callSite);
      if (site != null) {
        b.put(Attrs.STACKTRACE, site);
      }
      holders.add(NumberPoint.of(start, now, b.build(), h.ageNanos / 1e9));
    }
  }

  /** Physical closes by reason, the oldest physical connection's age, the max lifetime. */
  private void physicalLife(
      PoolRecorder r,
      Object ds,
      Attributes a,
      long start,
      long now,
      Registry registry,
      PhysicalTracker physical) {
    PhysicalLife life = r.physicalLife();
    Double lifetime = ds == null ? null : r.adapter().maxLifetime(ds);
    life.maxLifetime(lifetime);
    if (lifetime != null) {
      maxLifetime.add(NumberPoint.of(start, now, a, lifetime));
    }
    for (CloseReason reason : CloseReason.values()) {
      connClosed.add(
          NumberPoint.of(
              start,
              now,
              a.toBuilder().put(Attrs.CLOSE_REASON, reason.attr()).build(),
              life.closed(reason)));
    }
    if (oldestOpen == null) {
      oldestOpen = physical.oldestOpen(registry);
      oldestAt = System.nanoTime();
    }
    Long opened = oldestOpen.get(r);
    if (opened != null) {
      oldestAge.add(NumberPoint.of(start, now, a, Math.max(0, oldestAt - opened) / 1e9));
    }
  }

  /** The final export, made as the JVM exits: {@code poolscope.agent.exiting} = 1. */
  void exiting(long now) {
    exiting.add(NumberPoint.of(startEpochNanos, now, Attributes.empty(), 1));
  }

  private static NumberPoint leak(long start, long now, Attributes a, String state, long n) {
    return NumberPoint.of(start, now, a.toBuilder().put(Attrs.LEAK_STATE, state).build(), n);
  }

  private static HistogramPoint histogram(long start, long now, Attributes a, HistogramSnapshot h) {
    boolean any = h.count > 0;
    return new HistogramPoint(
        start,
        now,
        a,
        h.sumNanos / 1e9,
        any,
        any ? h.minNanos / 1e9 : 0,
        any ? h.maxNanos / 1e9 : 0,
        BOUNDS,
        h.counts);
  }

  void physical(PhysicalTracker tracker, long now) {
    for (Map.Entry<DbTarget, Map<String, Long>> e : tracker.openByUser().entrySet()) {
      for (Map.Entry<String, Long> u : e.getValue().entrySet()) {
        AttributesBuilder b = Attrs.target(Attributes.builder(), e.getKey());
        if (!u.getKey().isEmpty()) {
          b.put(Attrs.DB_USER, u.getKey());
        }
        open.add(NumberPoint.of(startEpochNanos, now, b.build(), u.getValue()));
      }
    }
    for (Map.Entry<DbTarget, Map<String, Map<String, Long>>> e :
        tracker.refusedByLimit().entrySet()) {
      for (Map.Entry<String, Map<String, Long>> s : e.getValue().entrySet()) {
        for (Map.Entry<String, Long> l : s.getValue().entrySet()) {
          Attributes a =
              Attrs.target(Attributes.builder(), e.getKey())
                  .put(Attrs.ERROR_TYPE, s.getKey())
                  .put(Attrs.REFUSED_LIMIT, l.getKey())
                  .build();
          refused.add(NumberPoint.of(startEpochNanos, now, a, l.getValue()));
        }
      }
    }
  }

  void churn(Registry registry, long now) {
    for (Map.Entry<Registry.ChurnKey, long[]> e : registry.churn().entrySet()) {
      Attributes a =
          Attrs.target(Attributes.builder(), e.getKey().target)
              .put(Attrs.POOL_TYPE, e.getKey().type)
              .build();
      created.add(NumberPoint.of(startEpochNanos, now, a, e.getValue()[0]));
      closed.add(NumberPoint.of(startEpochNanos, now, a, e.getValue()[1]));
    }
  }

  Collection<Metric> build() {
    List<Metric> out = new ArrayList<>();
    gauge(
        out,
        "db.client.connection.count",
        "Connections of the pool by state",
        "{connection}",
        count);
    gauge(out, "db.client.connection.max", "Configured maximum connections", "{connection}", max);
    gauge(
        out,
        "db.client.connection.idle.min",
        "Configured minimum idle connections",
        "{connection}",
        minIdle);
    gauge(
        out,
        "db.client.connection.pending_requests",
        "Threads now waiting inside getConnection",
        "{request}",
        pending);
    sum(
        out,
        "db.client.connection.timeouts",
        "getConnection calls that failed",
        "{timeout}",
        timeouts);
    hist(out, "db.client.connection.wait_time", "Time spent in getConnection", wait);
    hist(out, "db.client.connection.use_time", "Time from getConnection to close()", use);
    hist(out, "db.client.connection.create_time", "Time to open a physical connection", create);
    gauge(
        out,
        "poolscope.connection.open",
        "Physical connections this JVM holds open to the database",
        "{connection}",
        open);
    sum(
        out,
        "poolscope.connection.refused",
        "Physical opens the database refused, by SQLState",
        "{connection}",
        refused);
    sum(out, "poolscope.connection.leaks", "Leases held past the leak threshold", "{lease}", leaks);
    if (!oldest.isEmpty()) {
      out.add(
          new Metric(
              "poolscope.connection.oldest_use",
              "Age of the oldest lease still held",
              "s",
              Metric.Kind.GAUGE,
              oldest));
    }
    doubleGauge(
        out,
        "poolscope.connection.holder.age",
        "Age of one of the pool's oldest leases still held, with its thread and call site",
        holders);
    sum(
        out,
        "poolscope.connection.closed",
        "Physical connections the pool closed, by reason",
        "{connection}",
        connClosed);
    doubleGauge(
        out,
        "poolscope.connection.oldest_age",
        "Age of the pool's oldest open physical connection",
        oldestAge);
    doubleGauge(
        out,
        "poolscope.pool.max_lifetime",
        "Configured max lifetime of the pool's physical connections",
        maxLifetime);
    sum(out, "poolscope.pool.created", "Pools constructed in this JVM", "{pool}", created);
    sum(out, "poolscope.pool.closed", "Pools closed in this JVM", "{pool}", closed);
    gauge(
        out, "poolscope.pool.open", "1 while the pool is open, 0 once closed", "{pool}", poolOpen);
    gauge(
        out,
        "poolscope.agent.exiting",
        "1 in the last export of a JVM that exits",
        "{process}",
        exiting);
    return out;
  }

  private void gauge(
      List<Metric> out, String name, String desc, String unit, List<NumberPoint> points) {
    if (!points.isEmpty()) {
      out.add(new Metric(name, desc, unit, Metric.Kind.GAUGE, points));
    }
  }

  private void doubleGauge(List<Metric> out, String name, String desc, List<NumberPoint> points) {
    if (!points.isEmpty()) {
      out.add(new Metric(name, desc, "s", Metric.Kind.GAUGE, points));
    }
  }

  private void sum(
      List<Metric> out, String name, String desc, String unit, List<NumberPoint> points) {
    if (!points.isEmpty()) {
      out.add(new Metric(name, desc, unit, Metric.Kind.SUM, points));
    }
  }

  private void hist(List<Metric> out, String name, String desc, List<HistogramPoint> points) {
    if (!points.isEmpty()) {
      out.add(new Metric(name, desc, "s", Metric.Kind.HISTOGRAM, points));
    }
  }
}
