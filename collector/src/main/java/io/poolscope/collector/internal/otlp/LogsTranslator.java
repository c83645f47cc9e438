package io.poolscope.collector.internal.otlp;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.poolscope.collector.internal.fleet.TargetKey;
import io.poolscope.collector.internal.limits.Limits;
import io.poolscope.collector.internal.limits.Refusals;
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

  /** Longest stored call site or holder stack; longer ones are cut (counted). */
  static final int MAX_STACK_CHARS = 16_384;

  /** Longest stored lease id; longer ones are cut (counted). */
  static final int MAX_LEASE_ID = 100;

  /** Leak events, plus what was rejected and why. */
  public record Result(List<LeakEvent> leaks, long rejected, String message) {}

  private LogsTranslator() {}

  /** Translates a whole request; {@code now} stands in for a record without timestamps. */
  public static Result translate(ExportLogsServiceRequest req, long now) {
    return translate(req, now, new Refusals(() -> now, Long.MAX_VALUE));
  }

  /** As {@link #translate(ExportLogsServiceRequest, long)}, counting cut values in refusals. */
  public static Result translate(ExportLogsServiceRequest req, long now, Refusals refusals) {
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
          String pool = a.get("db.client.connection.pool.name");
          String state = a.getOrDefault("poolscope.leak.state", "suspected");
          if (who == null || target == null || !Attributes.ok(pool) || state.length() > 40) {
            rejected++;
            message =
                message != null
                    ? message
                    : "leak event without service identity or database target attributes,"
                        + " or with a name over "
                        + Attributes.MAX_NAME
                        + " characters";
            continue;
          }
          long nanos = r.getTimeUnixNano() != 0 ? r.getTimeUnixNano() : r.getObservedTimeUnixNano();
          // fixed64 on the wire: 2^63 ns and later read as negative longs, so unsigned here.
          long time = nanos != 0 ? Long.divideUnsigned(nanos, 1_000_000) : now;
          // A clock far in the future would pin an event at the top of every list.
          time = Math.min(time, now + 60_000);
          out.add(
              new LeakEvent(
                  0,
                  time,
                  state,
                  who.service(),
                  who.podName(),
                  who.instanceId(),
                  pool,
                  target.id(),
                  Limits.clip(a.get("thread.name"), Attributes.MAX_NAME, refusals, "thread.name"),
                  seconds(a.get("poolscope.lease.age")),
                  Limits.clip(
                      a.get("poolscope.lease.id"), MAX_LEASE_ID, refusals, "poolscope.lease.id"),
                  Limits.clip(
                      a.get("code.stacktrace"), MAX_STACK_CHARS, refusals, "code.stacktrace"),
                  Limits.clip(
                      a.get("poolscope.holder.stacktrace"),
                      MAX_STACK_CHARS,
                      refusals,
                      "poolscope.holder.stacktrace")));
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
}
