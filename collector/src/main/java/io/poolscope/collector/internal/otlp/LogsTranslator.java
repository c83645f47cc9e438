package io.poolscope.collector.internal.otlp;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.poolscope.collector.internal.fleet.TargetKey;
import io.poolscope.collector.internal.store.LeakEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Picks the leak events ({@code event.name = poolscope.connection.leak}) out of a logs request.
 * Other log records are accepted and ignored; leak records without a resource identity or target
 * are rejected as partial success.
 */
public final class LogsTranslator {
  static final String LEAK_EVENT = "poolscope.connection.leak";
  private static final int MAX_STACK_CHARS = 16_384;

  /** Leak events, plus what was rejected and why. */
  public record Result(List<LeakEvent> leaks, long rejected, String message) {}

  private LogsTranslator() {}

  /** Translates a whole request; {@code now} stands in for a record without timestamps. */
  public static Result translate(ExportLogsServiceRequest req, long now) {
    List<LeakEvent> out = new ArrayList<>();
    long rejected = 0;
    String message = null;
    for (ResourceLogs rl : req.getResourceLogsList()) {
      ResourceInfo who = ResourceInfo.of(Attributes.of(rl.getResource().getAttributesList()));
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        for (LogRecord r : sl.getLogRecordsList()) {
          Map<String, String> a = Attributes.of(r.getAttributesList());
          String event = r.getEventName().isEmpty() ? a.get("event.name") : r.getEventName();
          if (!LEAK_EVENT.equals(event)) {
            continue;
          }
          TargetKey target = Attributes.target(a);
          if (who == null || target == null) {
            rejected++;
            message =
                message != null
                    ? message
                    : "leak event without service identity or database target attributes";
            continue;
          }
          long nanos = r.getTimeUnixNano() != 0 ? r.getTimeUnixNano() : r.getObservedTimeUnixNano();
          long time = nanos != 0 ? nanos / 1_000_000 : now;
          // A clock far in the future would pin an event at the top of every list.
          time = Math.min(time, now + 60_000);
          out.add(
              new LeakEvent(
                  0,
                  time,
                  a.getOrDefault("poolscope.leak.state", "suspected"),
                  who.service(),
                  who.podName(),
                  who.instanceId(),
                  a.get("db.client.connection.pool.name"),
                  target.id(),
                  a.get("thread.name"),
                  seconds(a.get("poolscope.lease.age")),
                  a.get("poolscope.lease.id"),
                  clip(a.get("code.stacktrace")),
                  clip(a.get("poolscope.holder.stacktrace"))));
        }
      }
    }
    return new Result(out, rejected, message);
  }

  private static Double seconds(String v) {
    if (v == null) {
      return null;
    }
    try {
      double d = Double.parseDouble(v);
      return Double.isFinite(d) ? d : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String clip(String s) {
    return s == null || s.length() <= MAX_STACK_CHARS ? s : s.substring(0, MAX_STACK_CHARS);
  }
}
