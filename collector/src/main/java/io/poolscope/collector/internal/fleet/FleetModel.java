package io.poolscope.collector.internal.fleet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Latest state of every agent JVM, keyed by {@code service.instance.id}. A pod (or one of its
 * pools) that has not reported for three export intervals is stale and leaves every sum; after the
 * retention period it is forgotten. One lock guards everything: an update is a few map writes, so
 * contention is cheaper than the bookkeeping of finer locks.
 */
public final class FleetModel {
  private final long staleAfterMillis;
  private final long forgetAfterMillis;
  private final Map<String, PodState> pods = new ConcurrentHashMap<>();
  private final AtomicLong changes = new AtomicLong();

  private final FleetBounds bounds;

  /** Stale after three {@code intervalMillis}; forgotten after {@code retentionMillis}. */
  public FleetModel(long intervalMillis, long retentionMillis) {
    this(intervalMillis, retentionMillis, FleetBounds.NONE);
  }

  /** As {@link #FleetModel(long, long)}, holding at most what {@code bounds} allows. */
  public FleetModel(long intervalMillis, long retentionMillis, FleetBounds bounds) {
    this.staleAfterMillis = 3 * intervalMillis;
    this.forgetAfterMillis = Math.max(retentionMillis, staleAfterMillis);
    this.bounds = bounds;
  }

  /** Applies one decoded resource's points. */
  public void apply(PodReport r, long now) {
    PodState pod = pods.get(r.instanceId());
    if (pod == null) {
      if (!bounds.admitPod(pods.size())) {
        return;
      }
      pod = pods.computeIfAbsent(r.instanceId(), id -> new PodState(id, now));
    }
    synchronized (pod) {
      pod.service = r.service();
      pod.podName = r.podName();
      pod.host = r.host();
      pod.version = r.version();
      pod.lastSeen = Math.max(pod.lastSeen, now);
      for (Point p : r.points()) {
        if (bounds.admitPoint(pod, p)) {
          applyPoint(pod, p, now);
        }
      }
    }
    changes.incrementAndGet();
  }

  private static void applyPoint(PodState pod, Point p, long now) {
    switch (p.metric()) {
      case Metrics.OPEN -> {
        pod.open.put(p.target(), p.value());
        pod.openSeen.put(p.target(), now);
      }
      case Metrics.REFUSED ->
          count(
              pod.refused.computeIfAbsent(
                  new PodState.TargetAttr(p.target(), p.attr()), k -> new Counter()),
              p);
      case Metrics.POOLS_CREATED ->
          count(
              pod.created.computeIfAbsent(
                  new PodState.TargetAttr(p.target(), p.attr()), k -> new Counter()),
              p);
      case Metrics.POOLS_CLOSED ->
          count(
              pod.closed.computeIfAbsent(
                  new PodState.TargetAttr(p.target(), p.attr()), k -> new Counter()),
              p);
      default -> applyPoolPoint(pod, p, now);
    }
  }

  private static void applyPoolPoint(PodState pod, Point p, long now) {
    PoolState pool =
        pod.pools.computeIfAbsent(
            new PodState.PoolKey(p.target(), p.pool()), k -> new PoolState(k.target(), k.name()));
    pool.lastSeen = now;
    switch (p.metric()) {
      case Metrics.COUNT -> {
        if ("used".equals(p.attr())) {
          pool.used = p.value();
        } else if ("idle".equals(p.attr())) {
          pool.idle = p.value();
        }
      }
      case Metrics.MAX -> pool.max = p.value();
      case Metrics.IDLE_MIN -> pool.minIdle = p.value();
      case Metrics.PENDING -> pool.pending = p.value();
      case Metrics.OLDEST_USE -> pool.oldestUse = p.value();
      case Metrics.TIMEOUTS -> count(pool.timeouts, p);
      case Metrics.LEAKS -> count(pool.leaks.computeIfAbsent(p.attr(), k -> new Counter()), p);
      case Metrics.WAIT_TIME ->
          pool.wait.apply(p.histogram(), p.temporality(), p.startNanos(), now);
      case Metrics.USE_TIME -> pool.use.apply(p.histogram(), p.temporality(), p.startNanos(), now);
      case Metrics.CREATE_TIME ->
          pool.create.apply(p.histogram(), p.temporality(), p.startNanos(), now);
      default -> {
        // Decoder only passes contract metrics; nothing else to do.
      }
    }
    if (p.poolType() != null) {
      pool.type = p.poolType();
    }
  }

  private static void count(Counter c, Point p) {
    if (p.temporality() == Point.Temporality.DELTA) {
      c.delta(p.value());
    } else {
      c.cumulative(p.value(), p.startNanos());
    }
  }

  /** Forgets pods silent for longer than the retention; returns how many. */
  public int forget(long now) {
    int removed = 0;
    for (Map.Entry<String, PodState> e : pods.entrySet()) {
      PodState p = e.getValue();
      boolean old;
      synchronized (p) {
        old = p.lastSeen < now - forgetAfterMillis;
      }
      if (old && pods.remove(e.getKey(), p)) {
        removed++;
      }
    }
    if (removed > 0) {
      changes.incrementAndGet();
    }
    return removed;
  }

  /** Increases on every change; the SSE stream and caches compare it. */
  public long changes() {
    return changes.get();
  }

  /** Whether a pod last seen at {@code lastSeen} is stale at {@code now}. */
  public boolean isStale(long lastSeen, long now) {
    return now - lastSeen > staleAfterMillis;
  }

  /** An immutable copy of the whole fleet at {@code now}. */
  public FleetSnapshot snapshot(long now) {
    List<PodView> views = new ArrayList<>(pods.size());
    Set<TargetKey> targets = new LinkedHashSet<>();
    for (PodState pod : pods.values()) {
      PodView v;
      synchronized (pod) {
        v = view(pod, now);
      }
      views.add(v);
      for (PoolView p : v.pools()) {
        targets.add(p.target());
      }
      targets.addAll(v.open().keySet());
    }
    views.sort(
        (a, b) -> {
          int c = String.valueOf(a.service()).compareTo(String.valueOf(b.service()));
          return c != 0 ? c : String.valueOf(a.podName()).compareTo(String.valueOf(b.podName()));
        });
    return new FleetSnapshot(now, List.copyOf(views), Collections.unmodifiableSet(targets));
  }

  private PodView view(PodState pod, long now) {
    boolean podStale = isStale(pod.lastSeen, now);
    Map<PodState.TargetAttr, Double> typeCreated = totals(pod.created);
    Map<PodState.TargetAttr, Double> typeClosed = totals(pod.closed);
    List<PoolView> pools = new ArrayList<>();
    Map<TargetKey, Double> usedIdle = new HashMap<>();
    for (PoolState s : pod.pools.values()) {
      boolean stale = podStale || isStale(s.lastSeen, now);
      String type = s.type != null ? s.type : onlyType(pod, s.target);
      PodState.TargetAttr typeKey = new PodState.TargetAttr(s.target, type);
      pools.add(
          new PoolView(
              s.target,
              s.name,
              type,
              s.used,
              s.idle,
              Double.isNaN(s.max) ? null : s.max,
              Double.isNaN(s.minIdle) ? null : s.minIdle,
              s.pending,
              s.wait.lastP99(),
              s.use.lastP99(),
              s.timeouts.total(),
              leak(s, "suspected"),
              leak(s, "returned"),
              leak(s, "collected"),
              s.oldestUse,
              typeCreated.getOrDefault(typeKey, 0.0),
              typeClosed.getOrDefault(typeKey, 0.0),
              stale,
              histogram(s.wait),
              histogram(s.use)));
      if (!stale) {
        usedIdle.merge(s.target, s.used + s.idle, Double::sum);
      }
    }
    Map<TargetKey, Double> open = new HashMap<>();
    for (Map.Entry<TargetKey, Double> e : pod.open.entrySet()) {
      if (!isStale(pod.openSeen.get(e.getKey()), now)) {
        open.put(e.getKey(), e.getValue());
      }
    }
    // Without poolscope.connection.open for a target, its pools' connections are the best figure.
    usedIdle.forEach(open::putIfAbsent);
    return new PodView(
        pod.service,
        pod.instanceId,
        pod.podName,
        pod.host,
        pod.version,
        podStale,
        pod.lastSeen,
        Map.copyOf(open),
        List.copyOf(pools),
        grouped(pod.refused),
        grouped(pod.created),
        grouped(pod.closed));
  }

  private static String onlyType(PodState pod, TargetKey target) {
    String found = null;
    for (PodState.TargetAttr k : pod.created.keySet()) {
      if (k.target().equals(target)) {
        if (found != null && !found.equals(k.attr())) {
          return null;
        }
        found = k.attr();
      }
    }
    return found;
  }

  private static double leak(PoolState s, String state) {
    Counter c = s.leaks.get(state);
    return c == null ? 0 : c.total();
  }

  private static PoolView.HistogramView histogram(HistogramState h) {
    return new PoolView.HistogramView(h.bounds().clone(), h.totals().clone(), h.sum());
  }

  private static Map<PodState.TargetAttr, Double> totals(Map<PodState.TargetAttr, Counter> in) {
    Map<PodState.TargetAttr, Double> out = new HashMap<>();
    in.forEach((k, v) -> out.put(k, v.total()));
    return out;
  }

  private static Map<TargetKey, Map<String, Double>> grouped(Map<PodState.TargetAttr, Counter> in) {
    Map<TargetKey, Map<String, Double>> out = new HashMap<>();
    in.forEach(
        (k, v) ->
            out.computeIfAbsent(k.target(), t -> new HashMap<>())
                .put(String.valueOf(k.attr()), v.total()));
    return out;
  }
}
