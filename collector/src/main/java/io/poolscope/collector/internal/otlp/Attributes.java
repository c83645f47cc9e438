package io.poolscope.collector.internal.otlp;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.poolscope.collector.internal.fleet.TargetKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** OTLP attribute lists read as string maps; the database target read from them. */
final class Attributes {
  /**
   * Longest accepted identifier (service, pod, pool, target part, state): names are labels and
   * store keys, so anything longer is garbage or an attack, rejected rather than truncated (two
   * long names must not collapse into one series).
   */
  static final int MAX_NAME = 256;

  private Attributes() {}

  /** Whether {@code v} is absent or short enough to be an identifier. */
  static boolean ok(String v) {
    return v == null || v.length() <= MAX_NAME;
  }

  static Map<String, String> of(List<KeyValue> kvs) {
    Map<String, String> out = new HashMap<>(kvs.size() * 2);
    for (KeyValue kv : kvs) {
      String v = text(kv.getValue());
      if (v != null) {
        out.put(kv.getKey(), v);
      }
    }
    return out;
  }

  static String text(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> safe(v.getStringValue());
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case ARRAY_VALUE -> {
        // Stack traces sometimes arrive as an array of frames.
        StringBuilder sb = new StringBuilder();
        for (AnyValue e : v.getArrayValue().getValuesList()) {
          if (sb.length() > 0) {
            sb.append('\n');
          }
          sb.append(text(e));
        }
        yield sb.toString();
      }
      default -> null;
    };
  }

  /**
   * {@code s} with each NUL and each bidirectional embedding, override or isolate control (U+202A
   * to U+202E, U+2066 to U+2069) replaced by U+FFFD. PostgreSQL refuses NUL in text, and a value
   * one store cannot hold must not fail a write partway. A bidi control in a service or pool name
   * would reverse the rest of every text it is quoted in: an alert summary on the page, a Slack
   * message, a PagerDuty incident.
   */
  static String safe(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean bad =
          c == '\0' || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
      if (bad && out == null) {
        out = new StringBuilder(s.length()).append(s, 0, i);
      }
      if (out != null) {
        out.append(bad ? '\uFFFD' : c);
      }
    }
    return out == null ? s : out.toString();
  }

  /** The target, or null when {@code db.system.name} is missing or a part is too long. */
  static TargetKey target(Map<String, String> a) {
    String system = a.getOrDefault("db.system.name", a.get("db.system"));
    if (system == null
        || system.isEmpty()
        || !ok(system)
        || !ok(a.get("server.address"))
        || !ok(a.get("db.namespace"))) {
      return null;
    }
    int port = 0;
    String p = a.get("server.port");
    if (p != null) {
      try {
        port = Integer.parseInt(p);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return new TargetKey(
        system, a.getOrDefault("server.address", ""), port, a.getOrDefault("db.namespace", ""));
  }
}
