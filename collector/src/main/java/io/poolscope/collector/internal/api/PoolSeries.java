package io.poolscope.collector.internal.api;

import static io.poolscope.collector.internal.api.Json.obj;

import io.poolscope.collector.internal.store.PoolHistoryRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Per (service, pool) history series, averaged per step, oldest point first. */
final class PoolSeries {
  private static final String[] NAMES = {"used", "idle", "max", "pending", "waitP99", "useP99"};

  private PoolSeries() {}

  static List<Object> of(List<PoolHistoryRow> rows, long step) {
    // (service, pool) -> bucket time -> sums of each figure and the row count.
    Map<List<String>, TreeMap<Long, double[]>> grouped = new LinkedHashMap<>();
    for (PoolHistoryRow r : rows) {
      double[] acc =
          grouped
              .computeIfAbsent(List.of(r.service(), r.pool()), k -> new TreeMap<>())
              .computeIfAbsent(r.time() / step * step, k -> new double[NAMES.length + 2]);
      acc[0] += r.used();
      acc[1] += r.idle();
      if (r.max() != null) {
        acc[2] += r.max();
        acc[NAMES.length + 1]++;
      }
      acc[3] += r.pending();
      acc[4] += r.waitP99();
      acc[5] += r.useP99();
      acc[NAMES.length]++;
    }
    List<Object> out = new ArrayList<>();
    grouped.forEach(
        (key, buckets) -> {
          List<Object> series = new ArrayList<>();
          for (int i = 0; i < NAMES.length; i++) {
            List<double[]> points = new ArrayList<>();
            for (Map.Entry<Long, double[]> b : buckets.entrySet()) {
              double[] acc = b.getValue();
              double n = i == 2 ? acc[NAMES.length + 1] : acc[NAMES.length];
              if (n > 0) {
                points.add(new double[] {b.getKey(), acc[i] / n});
              }
            }
            series.add(obj("name", NAMES[i], "points", points));
          }
          out.add(obj("service", key.get(0), "pool", key.get(1), "series", series));
        });
    return out;
  }
}
