package io.poolscope.collector.internal.fleet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds a {@link PodView} from a pod's state: every per-family and per-target figure is summed
 * here, once per snapshot, so the budget, the API, {@code /metrics} and the alert samples all read
 * the same numbers.
 */
final class PodViews {
  private PodViews() {}

  /** Mutable sums of one family while its pools are visited. */
  private static final class FamilyAcc {
    final FamilyState state;
    final List<PoolView> pools = new ArrayList<>();
    int live;
    int closed;
    double used;
    double idle;
    double max;
    boolean hasMax;
    double minIdle;
    boolean hasMinIdle;
    double pending;
    double waitP99;
    double useP99;
    double timeouts;
    final double[] leaks;
    double oldestUse;
    final FamilyState.Totals wait = new FamilyState.Totals();
    final FamilyState.Totals use = new FamilyState.Totals();
    double connectionsCreated;
    final Map<String, Double> connectionsClosed;
    Double oldestAge;
    Double maxLifetime;
    List<HolderView> holders = List.of();

    FamilyAcc(FamilyState state) {
      this.state = state;
      this.timeouts = state.retiredTimeouts;
      this.leaks = state.retiredLeaks.clone();
      wait.add(state.retiredWait);
      use.add(state.retiredUse);
      this.connectionsCreated = state.retiredConnectionsCreated;
      this.connectionsClosed = new TreeMap<>(state.retiredConnectionsClosed);
    }
  }

  private static PoolView.Physical physical(PoolState s) {
    Map<String, Double> closed = new TreeMap<>();
    s.connectionsClosed.forEach((reason, c) -> closed.put(reason, c.total()));
    return new PoolView.Physical(
        s.create.count(),
        Collections.unmodifiableMap(closed),
        Double.isNaN(s.oldestAge) ? null : s.oldestAge,
        Double.isNaN(s.maxLifetime) ? null : s.maxLifetime);
  }

  private static Double max(Double a, double v) {
    if (Double.isNaN(v)) {
      return a;
    }
    return a == null ? v : Math.max(a, v);
  }

  static PodView of(FleetModel model, PodState pod, long now) {
    PodView.Status status =
        pod.exitedAt >= 0
            ? PodView.Status.EXITED
            : model.isStale(pod.lastSeen, now) ? PodView.Status.STALE : PodView.Status.LIVE;
    boolean podLive = status == PodView.Status.LIVE;
    Map<PodState.FamilyKey, FamilyAcc> families = new LinkedHashMap<>();
    for (PoolState s : pod.pools.values()) {
      long closedAt = model.closedAt(s, now);
      if (closedAt >= 0 && closedAt < now - FleetModel.CLOSED_KEPT_MILLIS) {
        continue;
      }
      PodState.FamilyKey fk = new PodState.FamilyKey(s.target, s.family);
      FamilyState fs = pod.families.get(fk);
      if (fs == null) {
        continue;
      }
      FamilyAcc f = families.computeIfAbsent(fk, k -> new FamilyAcc(fs));
      boolean live = podLive && closedAt < 0;
      Double max = Double.isNaN(s.max) ? null : s.max;
      Double minIdle = Double.isNaN(s.minIdle) ? null : s.minIdle;
      f.pools.add(
          new PoolView(
              s.target,
              s.name,
              s.type != null ? s.type : fs.type != null ? fs.type : onlyType(pod, s.target),
              s.family,
              s.used,
              s.idle,
              max,
              minIdle,
              s.pending,
              s.wait.lastP99(),
              s.use.lastP99(),
              s.timeouts.total(),
              s.leaks(LeakState.SUSPECTED),
              s.leaks(LeakState.RETURNED),
              s.leaks(LeakState.COLLECTED),
              s.oldestUse,
              live,
              closedAt < 0 ? null : closedAt,
              physical(s),
              live ? s.holders : List.of()));
      f.timeouts += s.timeouts.total();
      for (LeakState l : LeakState.values()) {
        f.leaks[l.ordinal()] += s.leaks(l);
      }
      f.wait.add(s.wait);
      f.use.add(s.use);
      f.connectionsCreated += s.create.count();
      s.connectionsClosed.forEach(
          (reason, c) -> f.connectionsClosed.merge(reason, c.total(), Double::sum));
      if (!live) {
        if (closedAt >= 0) {
          f.closed++;
        }
        continue;
      }
      f.live++;
      f.used += s.used;
      f.idle += s.idle;
      if (max != null) {
        f.max += max;
        f.hasMax = true;
      }
      if (minIdle != null) {
        f.minIdle += minIdle;
        f.hasMinIdle = true;
      }
      f.pending += s.pending;
      f.waitP99 = Math.max(f.waitP99, s.wait.lastP99());
      f.useP99 = Math.max(f.useP99, s.use.lastP99());
      f.oldestUse = Math.max(f.oldestUse, s.oldestUse);
      f.oldestAge = max(f.oldestAge, s.oldestAge);
      f.maxLifetime = max(f.maxLifetime, s.maxLifetime);
      f.holders = oldest(f.holders, s.holders);
    }
    Map<PodState.TargetAttr, Double> created = totals(pod.created);
    Map<PodState.TargetAttr, Double> closed = totals(pod.closed);
    List<FamilyView> views = new ArrayList<>(families.size());
    Map<TargetKey, double[]> sums = new LinkedHashMap<>();
    Map<TargetKey, Set<String>> labels = new HashMap<>();
    for (FamilyAcc f : families.values()) {
      FamilyState fs = f.state;
      String type = fs.type != null ? fs.type : onlyType(pod, fs.target);
      String label = fs.label();
      if (!labels.computeIfAbsent(fs.target, k -> new HashSet<>()).add(label)) {
        // Two families of one pod showing the same name: the key keeps their series apart.
        label = fs.key;
      }
      // Live pools first, then the most recently closed.
      f.pools.sort(
          (a, b) ->
              a.live() != b.live()
                  ? (a.live() ? -1 : 1)
                  : Long.compare(
                      b.closedAt() == null ? 0 : b.closedAt(),
                      a.closedAt() == null ? 0 : a.closedAt()));
      PodState.TargetAttr typeKey = new PodState.TargetAttr(fs.target, type);
      views.add(
          new FamilyView(
              fs.target,
              fs.key,
              label,
              type,
              f.live,
              f.closed,
              f.used,
              f.idle,
              f.hasMax ? f.max : null,
              f.hasMinIdle ? f.minIdle : null,
              f.pending,
              f.waitP99,
              f.useP99,
              f.timeouts,
              f.leaks[LeakState.SUSPECTED.ordinal()],
              f.leaks[LeakState.RETURNED.ordinal()],
              f.leaks[LeakState.COLLECTED.ordinal()],
              f.oldestUse,
              created.getOrDefault(typeKey, 0.0),
              closed.getOrDefault(typeKey, 0.0),
              histogram(f.wait),
              histogram(f.use),
              new PoolView.Physical(
                  f.connectionsCreated,
                  Collections.unmodifiableMap(f.connectionsClosed),
                  f.oldestAge,
                  f.maxLifetime),
              List.copyOf(f.pools),
              f.holders));
      // used, idle, max, hasMax, pending, live pools, closed pools
      double[] t = sums.computeIfAbsent(fs.target, k -> new double[7]);
      t[0] += f.used;
      t[1] += f.idle;
      t[2] += f.max;
      t[3] += f.hasMax ? 1 : 0;
      t[4] += f.pending;
      t[5] += f.live;
      t[6] += f.closed;
    }
    Map<TargetKey, PodView.Totals> totals = new LinkedHashMap<>();
    double[] all = new double[8];
    Set<TargetKey> targets = new java.util.LinkedHashSet<>(sums.keySet());
    targets.addAll(pod.open.keySet());
    for (TargetKey target : targets) {
      double[] t = sums.getOrDefault(target, new double[7]);
      Long seen = pod.openSeen.get(target);
      double open;
      if (!podLive) {
        open = 0;
      } else if (seen != null && !model.isStale(seen, now)) {
        open = pod.open.get(target);
      } else {
        // Without poolscope.connection.open for a target, its pools' connections are the best
        // figure.
        open = t[0] + t[1];
      }
      all[0] += podLive ? open : 0;
      for (int i = 0; i < 7; i++) {
        all[i + 1] += podLive || i == 6 ? t[i] : 0;
      }
      totals.put(
          target,
          podLive
              ? new PodView.Totals(
                  open, t[0], t[1], t[3] > 0 ? t[2] : null, t[4], (int) t[5], (int) t[6])
              : new PodView.Totals(0, 0, 0, null, 0, 0, (int) t[6]));
    }
    return new PodView(
        pod.service,
        pod.instanceId,
        pod.podName,
        pod.host,
        pod.version,
        status,
        pod.lastSeen,
        podLive && model.isSilent(pod.lastSeen, now),
        Map.copyOf(totals),
        new PodView.Totals(
            all[0], all[1], all[2], all[4] > 0 ? all[3] : null, all[5], (int) all[6], (int) all[7]),
        List.copyOf(views),
        grouped(pod.refused),
        grouped(pod.created),
        grouped(pod.closed),
        podLive ? openByUser(model, pod, now) : Map.of(),
        grouped(pod.refusedByLimit));
  }

  /** The oldest {@link FamilyView#MAX_HOLDERS} of two oldest-first lists. */
  private static List<HolderView> oldest(List<HolderView> a, List<HolderView> b) {
    if (b.isEmpty()) {
      return a;
    }
    if (a.isEmpty()) {
      return b;
    }
    List<HolderView> out = new ArrayList<>(FamilyView.MAX_HOLDERS);
    int i = 0;
    int j = 0;
    while (out.size() < FamilyView.MAX_HOLDERS && (i < a.size() || j < b.size())) {
      boolean takeA =
          j >= b.size() || (i < a.size() && a.get(i).heldSeconds() >= b.get(j).heldSeconds());
      out.add(takeA ? a.get(i++) : b.get(j++));
    }
    return List.copyOf(out);
  }

  /**
   * The first instant after {@code now} at which {@link #of} could give another view of the same
   * state: when one of its time thresholds turns (pod, pool or open figure stale after {@code
   * staleAfter}; pod silent after {@code silentAfter}; a closed pool past {@link
   * FleetModel#CLOSED_KEPT_MILLIS}). Each threshold is a "more than" on milliseconds, so it turns
   * one millisecond after its bound.
   */
  static long validUntil(long staleAfter, long silentAfter, PodState pod, long now) {
    long until = Long.MAX_VALUE;
    until = earliestAfter(until, now, pod.lastSeen + staleAfter + 1);
    until = earliestAfter(until, now, pod.lastSeen + silentAfter + 1);
    for (PoolState s : pod.pools.values()) {
      until = earliestAfter(until, now, s.lastSeen + staleAfter + 1);
      // A pool gone silent counts as closed at its last report.
      until = earliestAfter(until, now, s.lastSeen + FleetModel.CLOSED_KEPT_MILLIS + 1);
      if (s.closedAt >= 0) {
        until = earliestAfter(until, now, s.closedAt + FleetModel.CLOSED_KEPT_MILLIS + 1);
      }
    }
    for (long seen : pod.openSeen.values()) {
      until = earliestAfter(until, now, seen + staleAfter + 1);
    }
    return until;
  }

  private static long earliestAfter(long until, long now, long t) {
    return t > now && t < until ? t : until;
  }

  /** The users' figures of the targets whose {@code poolscope.connection.open} is current. */
  private static Map<TargetKey, Map<String, Double>> openByUser(
      FleetModel model, PodState pod, long now) {
    Map<TargetKey, Map<String, Double>> out = new HashMap<>();
    pod.openByUser.forEach(
        (t, m) -> {
          Long seen = pod.openSeen.get(t);
          if (seen != null && !model.isStale(seen, now)) {
            out.put(t, m);
          }
        });
    return out;
  }

  /** Agents name a pool's type on the pod's pool counters only: the one type there, if one. */
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

  private static FamilyView.HistogramView histogram(FamilyState.Totals t) {
    return t.bounds == null
        ? new FamilyView.HistogramView(new double[0], new long[0], 0)
        : new FamilyView.HistogramView(t.bounds.clone(), t.counts.clone(), t.sum);
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
