package io.poolscope.collector.internal.fleet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Latest state of every agent JVM, keyed by {@code service.instance.id}. A pod whose final export
 * says it is exiting leaves every sum at once; one (or one of its pools) that has not reported for
 * three export intervals is stale and leaves them then; after the retention period it is forgotten.
 * A pool the agent reports closed leaves at once; closed pools are kept for {@link
 * #CLOSED_KEPT_MILLIS} (the "closed in the last 15 min" of their family), then folded into their
 * family's totals. Each pod has its own lock: an update is a few field writes.
 */
public final class FleetModel {
  /** How long a closed pool stays listed in its family. */
  public static final long CLOSED_KEPT_MILLIS = 15 * 60_000L;

  private final long intervalMillis;
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
    this.intervalMillis = intervalMillis;
    this.staleAfterMillis = 3 * intervalMillis;
    this.forgetAfterMillis = Math.max(retentionMillis, staleAfterMillis);
    this.bounds = bounds;
  }

  /** Applies one decoded resource's readings. */
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
      if (r.exiting() && pod.exitedAt < 0) {
        // Sticky: a retried earlier export arriving after the last one must not revive the pod.
        pod.exitedAt = now;
      }
      for (TargetReading t : r.targets()) {
        if (bounds.admitTarget(pod, t)) {
          applyTarget(pod, t, now);
        }
      }
      for (PoolReading p : r.pools()) {
        if (bounds.admitPool(pod, p)) {
          applyPool(pod, p, now);
        }
      }
      pod.changes++;
    }
    changes.incrementAndGet();
  }

  private static void applyTarget(PodState pod, TargetReading t, long now) {
    if (t.open() != null) {
      pod.open.put(t.target(), t.open());
      pod.openSeen.put(t.target(), now);
      pod.openByUser.put(t.target(), t.openByUser());
    }
    t.refusedByLimit()
        .forEach((k, c) -> count(pod.refusedByLimit, new PodState.TargetAttr(t.target(), k), c));
    t.refused().forEach((k, c) -> count(pod.refused, new PodState.TargetAttr(t.target(), k), c));
    t.created().forEach((k, c) -> count(pod.created, new PodState.TargetAttr(t.target(), k), c));
    t.closed().forEach((k, c) -> count(pod.closed, new PodState.TargetAttr(t.target(), k), c));
  }

  private static void applyPool(PodState pod, PoolReading r, long now) {
    PoolState pool =
        pod.pools.computeIfAbsent(
            new PodState.PoolKey(r.target(), r.name()), k -> new PoolState(k.target(), k.name()));
    pool.lastSeen = now;
    if (r.type() != null) {
      pool.type = r.type();
    }
    if (r.family() != null) {
      pool.family = r.family();
    }
    FamilyState family =
        pod.families.computeIfAbsent(
            new PodState.FamilyKey(r.target(), pool.family),
            k -> new FamilyState(k.target(), k.key()));
    family.member(pool.name);
    if (pool.type != null) {
      family.type = pool.type;
    }
    if (r.open() != null) {
      pool.closedAt = r.open() ? -1 : pool.closedAt >= 0 ? pool.closedAt : now;
    }
    if (r.used() != null) {
      pool.used = r.used();
    }
    if (r.idle() != null) {
      pool.idle = r.idle();
    }
    if (r.max() != null) {
      pool.max = r.max();
    }
    if (r.minIdle() != null) {
      pool.minIdle = r.minIdle();
    }
    if (r.pending() != null) {
      pool.pending = r.pending();
    }
    if (r.oldestUse() != null) {
      pool.oldestUse = r.oldestUse();
    }
    if (r.timeouts() != null) {
      count(pool.timeouts, r.timeouts());
    }
    r.leaks().forEach((s, c) -> count(pool.leaks.computeIfAbsent(s, k -> new Counter()), c));
    if (r.waitTime() != null) {
      pool.wait.apply(r.waitTime(), now);
    }
    if (r.useTime() != null) {
      pool.use.apply(r.useTime(), now);
    }
    if (r.createTime() != null) {
      pool.create.apply(r.createTime(), now);
    }
    r.connectionsClosed().forEach((reason, c) -> count(pool.connectionsClosed, reason, c));
    if (r.oldestAge() != null) {
      pool.oldestAge = r.oldestAge();
    }
    if (r.maxLifetime() != null) {
      pool.maxLifetime = r.maxLifetime();
    }
    // Every export names all of the pool's oldest holders: none named, none held.
    pool.holders = holders(pool.name, r.holders(), now);
  }

  private static List<HolderView> holders(String pool, List<PoolReading.Holder> sent, long now) {
    if (sent.isEmpty()) {
      return List.of();
    }
    List<HolderView> out = new ArrayList<>(sent.size());
    for (PoolReading.Holder h : sent) {
      out.add(
          new HolderView(
              pool,
              h.thread(),
              h.ageSeconds(),
              now - Math.round(h.ageSeconds() * 1000),
              h.leaseId(),
              h.callSite()));
    }
    return List.copyOf(out);
  }

  private static <K> void count(Map<K, Counter> m, K key, CounterReading c) {
    count(m.computeIfAbsent(key, k -> new Counter()), c);
  }

  private static void count(Counter c, CounterReading r) {
    if (r.delta()) {
      c.delta(r.value());
    } else {
      c.cumulative(r.value(), r.startNanos());
    }
  }

  /**
   * Forgets pods silent for longer than the retention, and pools closed for longer than {@link
   * #CLOSED_KEPT_MILLIS} (their counters stay in their family); returns how many pods.
   */
  public int forget(long now) {
    int removed = 0;
    for (Map.Entry<String, PodState> e : pods.entrySet()) {
      PodState p = e.getValue();
      boolean old;
      synchronized (p) {
        old = p.lastSeen < now - forgetAfterMillis;
        if (!old) {
          dropClosedPools(p, now);
        }
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

  private void dropClosedPools(PodState pod, long now) {
    boolean dropped = false;
    for (Iterator<PoolState> it = pod.pools.values().iterator(); it.hasNext(); ) {
      PoolState s = it.next();
      long closedAt = closedAt(s, now);
      if (closedAt >= 0 && closedAt < now - CLOSED_KEPT_MILLIS) {
        FamilyState f = pod.families.get(new PodState.FamilyKey(s.target, s.family));
        if (f != null) {
          f.retiredTimeouts += s.timeouts.total();
          for (LeakState l : LeakState.values()) {
            f.retiredLeaks[l.ordinal()] += s.leaks(l);
          }
          f.retiredWait.add(s.wait);
          f.retiredUse.add(s.use);
          f.retiredConnectionsCreated += s.create.count();
          s.connectionsClosed.forEach(
              (reason, c) -> f.retiredConnectionsClosed.merge(reason, c.total(), Double::sum));
        }
        it.remove();
        dropped = true;
      }
    }
    if (dropped) {
      // A family left without pools has nothing to show; its series end with it.
      Set<PodState.FamilyKey> inUse = new java.util.HashSet<>();
      for (PoolState s : pod.pools.values()) {
        inUse.add(new PodState.FamilyKey(s.target, s.family));
      }
      pod.families.keySet().retainAll(inUse);
      pod.changes++;
      changes.incrementAndGet();
    }
  }

  /** When a pool closed (said so, or went silent), or -1 while it reports as open. */
  long closedAt(PoolState s, long now) {
    if (s.closedAt >= 0) {
      return s.closedAt;
    }
    return isStale(s.lastSeen, now) ? s.lastSeen : -1;
  }

  /** Increases on every change; the SSE stream and caches compare it. */
  public long changes() {
    return changes.get();
  }

  /** Whether a pod last seen at {@code lastSeen} is stale at {@code now}. */
  public boolean isStale(long lastSeen, long now) {
    return now - lastSeen > staleAfterMillis;
  }

  /** Whether a pod last seen at {@code lastSeen} has missed its last export at {@code now}. */
  boolean isSilent(long lastSeen, long now) {
    return now - lastSeen > intervalMillis * 3 / 2;
  }

  /**
   * The pod's view at {@code now}; under its lock. A pod reports once an interval and a snapshot is
   * taken every second or so, so most pods are unchanged since the last snapshot: their view is
   * reused while nothing that depends on the time alone (stale, silent, a closed pool's 15 minutes)
   * has turned.
   */
  private PodView view(PodState pod, long now) {
    if (pod.view != null
        && pod.viewVersion == pod.changes
        && now >= pod.viewAt
        && now < pod.viewUntil) {
      return pod.view;
    }
    pod.view = PodViews.of(this, pod, now);
    pod.viewVersion = pod.changes;
    pod.viewAt = now;
    pod.viewUntil = PodViews.validUntil(staleAfterMillis, intervalMillis * 3 / 2, pod, now);
    return pod.view;
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
      targets.addAll(v.totals().keySet());
      for (FamilyView f : v.families()) {
        targets.add(f.target());
      }
    }
    views.sort(
        (a, b) -> {
          int c = String.valueOf(a.service()).compareTo(String.valueOf(b.service()));
          return c != 0 ? c : String.valueOf(a.podName()).compareTo(String.valueOf(b.podName()));
        });
    return new FleetSnapshot(now, List.copyOf(views), Collections.unmodifiableSet(targets));
  }
}
