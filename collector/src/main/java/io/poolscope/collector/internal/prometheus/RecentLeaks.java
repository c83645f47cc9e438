package io.poolscope.collector.internal.prometheus;

import io.poolscope.collector.internal.budget.Overview;
import io.poolscope.collector.internal.fleet.FamilyView;
import io.poolscope.collector.internal.fleet.PodView;
import io.poolscope.collector.internal.fleet.PoolView;
import io.poolscope.collector.internal.store.LeakEvent;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Leak events of the last five minutes from pods still reporting, counted per database, service,
 * pod, pool family, state and call site: the {@code poolscope_connection_leaks_recent} gauge the
 * leak alert rule reads (alerts/RULES.md section 4). The rule sums the pods away (a leak is in the
 * code, so one alert per call site, not per replica) and the pod label tells it how many pods the
 * alert covers. A pod that exits or goes stale takes its events out with it, so a leak alert
 * resolves when its pods stop.
 */
public final class RecentLeaks {
  static final long WINDOW_MILLIS = 5 * 60_000L;
  private static final int MAX_EVENTS = 100_000;

  private record Entry(
      long time,
      String instanceId,
      String db,
      String service,
      String pool,
      String state,
      String callSite) {}

  private final Deque<Entry> events = new ArrayDeque<>();

  /** Remembers stored leak events. */
  public synchronized void add(List<LeakEvent> leaks) {
    for (LeakEvent e : leaks) {
      events.addLast(
          new Entry(
              e.time(),
              e.instanceId(),
              e.db(),
              e.service(),
              e.pool() == null ? "" : e.pool(),
              e.state(),
              callSite(e.callSite())));
      if (events.size() > MAX_EVENTS) {
        events.removeFirst();
      }
    }
  }

  /** One sample per label set with events in the last five minutes from a live pod of {@code o}. */
  public List<FleetSample> samples(long now, Overview o) {
    // instance id -> db id -> pool name -> family label, of live pods only.
    Map<String, Map<String, Map<String, String>>> live = new HashMap<>();
    Map<String, String> podLabel = new HashMap<>();
    Map<PodView, String> labels = FleetSamples.podLabels(o.fleet().pods());
    for (PodView pod : o.fleet().pods()) {
      if (pod.stale()) {
        continue;
      }
      podLabel.put(pod.instanceId(), labels.get(pod));
      Map<String, Map<String, String>> byDb =
          live.computeIfAbsent(pod.instanceId(), k -> new HashMap<>());
      for (FamilyView f : pod.families()) {
        Map<String, String> names = byDb.computeIfAbsent(f.target().id(), k -> new HashMap<>());
        for (PoolView p : f.pools()) {
          names.put(p.name(), f.label());
        }
      }
    }
    Map<Map<String, String>, Integer> counts = new LinkedHashMap<>();
    synchronized (this) {
      events.removeIf(e -> e.time() < now - WINDOW_MILLIS);
      for (Entry e : events) {
        Map<String, Map<String, String>> byDb = live.get(e.instanceId());
        if (byDb == null) {
          continue;
        }
        Map<String, String> names = byDb.get(e.db());
        String pool = names == null ? e.pool() : names.getOrDefault(e.pool(), e.pool());
        Map<String, String> l = new LinkedHashMap<>();
        l.put("db", e.db());
        l.put("service", e.service());
        l.put("pod", podLabel.get(e.instanceId()));
        l.put("pool", pool);
        l.put("state", e.state());
        l.put("call_site", e.callSite());
        counts.merge(l, 1, Integer::sum);
      }
    }
    return counts.entrySet().stream()
        .map(c -> new FleetSample("poolscope_connection_leaks_recent", c.getKey(), c.getValue()))
        .toList();
  }

  /** The first frame of a stack trace, {@code class.method(File.java:line)}. */
  static String callSite(String stack) {
    if (stack == null || stack.isBlank()) {
      return "unknown";
    }
    String first = stack.strip().lines().findFirst().orElse("").strip();
    if (first.startsWith("at ")) {
      first = first.substring(3).strip();
    }
    return first.isEmpty() ? "unknown" : first.length() > 300 ? first.substring(0, 300) : first;
  }
}
