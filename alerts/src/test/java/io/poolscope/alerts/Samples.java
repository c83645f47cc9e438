package io.poolscope.alerts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builders for sample lists in tests. */
final class Samples {
  private Samples() {}

  static Map<String, String> labels(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  static Sample s(String name, double value, long t, String... kv) {
    return new Sample(name, labels(kv), value, t);
  }

  static List<Sample> list(Sample... s) {
    return new ArrayList<>(List.of(s));
  }

  /** Database-level labels as the collector emits them. */
  /** The labels of a server's budget samples. */
  static String[] server(String id) {
    return new String[] {"server", id};
  }

  static String[] db(String id) {
    return new String[] {
      "db",
      id,
      "db_system",
      "postgresql",
      "server_address",
      "127.0.0.1",
      "server_port",
      "5432",
      "db_namespace",
      "payments"
    };
  }

  /** A number as promtool's series notation wants it (no trailing .0). */
  static String plain(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
