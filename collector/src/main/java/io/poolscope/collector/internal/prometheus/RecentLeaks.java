package io.poolscope.collector.internal.prometheus;

import io.poolscope.collector.internal.store.LeakEvent;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Leak events of the last five minutes, counted per database, service, pool, state and call site:
 * the {@code poolscope_connection_leaks_recent} gauge the leak alert rule reads (alerts/RULES.md
 * section 4). No pod label: a leak is in the code, so one alert per call site, not per replica.
 */
public final class RecentLeaks {
  static final long WINDOW_MILLIS = 5 * 60_000L;
  private static final int MAX_EVENTS = 100_000;

  private record Entry(long time, Map<String, String> labels) {}

  private final Deque<Entry> events = new ArrayDeque<>();

  /** Remembers stored leak events. */
  public synchronized void add(List<LeakEvent> leaks) {
    for (LeakEvent e : leaks) {
      Map<String, String> l = new LinkedHashMap<>();
      l.put("db", e.db());
      l.put("service", e.service());
      l.put("pool", e.pool() == null ? "" : e.pool());
      l.put("state", e.state());
      l.put("call_site", callSite(e.callSite()));
      events.addLast(new Entry(e.time(), l));
      if (events.size() > MAX_EVENTS) {
        events.removeFirst();
      }
    }
  }

  /** One sample per label set with events in the last five minutes. */
  public synchronized List<FleetSample> samples(long now) {
    events.removeIf(e -> e.time() < now - WINDOW_MILLIS);
    Map<Map<String, String>, Integer> counts = new LinkedHashMap<>();
    for (Entry e : events) {
      counts.merge(e.labels(), 1, Integer::sum);
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
