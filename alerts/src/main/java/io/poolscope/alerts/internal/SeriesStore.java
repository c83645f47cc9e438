package io.poolscope.alerts.internal;

import io.poolscope.alerts.Sample;
import io.poolscope.alerts.internal.rules.EvalContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * History of the series that range functions read. Only names some rule reads through {@code
 * increase}/{@code rate} are kept, and only for the longest range asked, so memory follows the
 * rules rather than the fleet's whole output.
 */
final class SeriesStore {
  private static final class Buffer {
    long[] times = new long[8];
    double[] values = new double[8];
    int size;

    void add(long t, double v) {
      if (size > 0 && t <= times[size - 1]) {
        return; // same interval handed twice, or out of order: keep the first
      }
      if (size == times.length) {
        times = Arrays.copyOf(times, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      times[size] = t;
      values[size] = v;
      size++;
    }

    void dropBefore(long from) {
      int i = 0;
      while (i < size && times[i] < from) {
        i++;
      }
      if (i > 0) {
        System.arraycopy(times, i, times, 0, size - i);
        System.arraycopy(values, i, values, 0, size - i);
        size -= i;
      }
    }
  }

  private final Map<String, Map<Map<String, String>, Buffer>> byName = new HashMap<>();
  private Set<String> names = Set.of();
  private long keepMillis;

  /** Which names to keep and for how long; forgets names no rule reads any more. */
  void configure(Set<String> rangeNames, long maxRangeMillis) {
    this.names = Set.copyOf(rangeNames);
    this.keepMillis = maxRangeMillis;
    byName.keySet().retainAll(names);
  }

  /** Records this interval's samples and forgets what fell out of every window. */
  void add(Map<String, List<Sample>> byNameNow, long now) {
    long from = now - keepMillis;
    for (String name : names) {
      Map<Map<String, String>, Buffer> series = byName.computeIfAbsent(name, n -> new HashMap<>());
      for (Sample s : byNameNow.getOrDefault(name, List.of())) {
        long t = s.timeMillis() > 0 ? s.timeMillis() : now;
        series.computeIfAbsent(s.labels(), l -> new Buffer()).add(t, s.value());
      }
      Iterator<Buffer> it = series.values().iterator();
      while (it.hasNext()) {
        Buffer b = it.next();
        b.dropBefore(from);
        if (b.size == 0) {
          it.remove();
        }
      }
    }
  }

  /** Retained series of a name. */
  Collection<EvalContext.Series> range(String name) {
    Map<Map<String, String>, Buffer> series = byName.get(name);
    if (series == null) {
      return List.of();
    }
    List<EvalContext.Series> out = new ArrayList<>(series.size());
    for (Map.Entry<Map<String, String>, Buffer> e : series.entrySet()) {
      Buffer b = e.getValue();
      out.add(new EvalContext.Series(e.getKey(), b.times, b.values, b.size));
    }
    return out;
  }

  /** Number of retained points, for tests and capacity figures. */
  int points() {
    int n = 0;
    for (Map<Map<String, String>, Buffer> s : byName.values()) {
      for (Buffer b : s.values()) {
        n += b.size;
      }
    }
    return n;
  }
}
