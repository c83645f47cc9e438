package io.poolscope.alerts.internal.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** PromQL's aggregation operators {@code sum}, {@code max}, {@code min} and {@code count}. */
final class Aggregations {
  /** The aggregations the subset supports. */
  static final Set<String> OPS = Set.of("sum", "max", "min", "count");

  /** PromQL aggregations the subset rejects by name, so the reason is clear. */
  static final Set<String> UNSUPPORTED =
      Set.of(
          "avg",
          "group",
          "stddev",
          "stdvar",
          "topk",
          "bottomk",
          "quantile",
          "count_values",
          "limitk",
          "limit_ratio");

  private Aggregations() {}

  private static final class Group {
    final Map<String, String> labels;
    final List<Map<String, String>> from = new ArrayList<>();
    double value;
    int count;

    Group(Map<String, String> labels) {
      this.labels = labels;
    }
  }

  static Value apply(Expr.Aggregate a, Value in) {
    Map<Map<String, String>, Group> groups = new LinkedHashMap<>();
    Set<String> names = new HashSet<>(a.grouping());
    for (Value.Element e : in.elements()) {
      Map<String, String> key = new LinkedHashMap<>();
      if (a.without()) {
        e.labels()
            .forEach(
                (k, v) -> {
                  if (!names.contains(k)) {
                    key.put(k, v);
                  }
                });
      } else {
        for (String l : a.grouping()) {
          String v = e.labels().get(l);
          if (v != null && !v.isEmpty()) {
            key.put(l, v); // as in PromQL, a missing label and an empty one are the same
          }
        }
      }
      Group g = groups.computeIfAbsent(Map.copyOf(key), Group::new);
      add(a.op(), g, e.value());
      g.from.addAll(e.from());
    }
    List<Value.Element> out = new ArrayList<>(groups.size());
    for (Group g : groups.values()) {
      out.add(new Value.Element(null, g.labels, g.value, List.copyOf(g.from)));
    }
    return Value.vector(out);
  }

  private static void add(String op, Group g, double v) {
    boolean first = g.count == 0;
    g.count++;
    switch (op) {
      case "sum" -> g.value = first ? v : g.value + v;
      case "count" -> g.value = g.count;
      // A NaN loses to any number, as in Prometheus.
      case "max" -> g.value = first || Double.isNaN(g.value) || v > g.value ? v : g.value;
      default -> g.value = first || Double.isNaN(g.value) || v < g.value ? v : g.value;
    }
  }
}
