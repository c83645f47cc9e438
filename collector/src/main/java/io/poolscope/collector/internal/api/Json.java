package io.poolscope.collector.internal.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** Small helpers for building API objects in the documented field order. */
final class Json {
  private Json() {}

  /** An ordered object from alternating keys and values. */
  static Map<String, Object> obj(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  /** Connection counts arrive as doubles; whole numbers are shown as integers. */
  static Object num(Double d) {
    if (d == null || d.isNaN() || d.isInfinite()) {
      return null;
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return d.longValue();
    }
    return d;
  }
}
