package io.poolscope.agent.internal.export;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.poolscope.agent.internal.leak.LeakEvent;
import io.poolscope.agent.internal.otlp.LogRecord;
import java.util.Locale;

/** A leak event as an OTLP log record: {@code event.name = poolscope.connection.leak}. */
final class LeakLogRecord {
  static final String EVENT_NAME = "poolscope.connection.leak";

  private LeakLogRecord() {}

  static LogRecord of(LeakEvent e) {
    AttributesBuilder b =
        Attrs.target(Attributes.builder(), e.target)
            .put(Attrs.EVENT_NAME, EVENT_NAME)
            .put(Attrs.LEAK_STATE, e.state)
            .put(Attrs.POOL_NAME, e.pool)
            .put(Attrs.THREAD_NAME, e.threadName)
            .put(Attrs.LEASE_AGE, e.ageSeconds)
            .put(Attrs.LEASE_ID, Long.toHexString(e.leaseId));
    if (e.callSite != null) {
      b.put(Attrs.STACKTRACE, e.callSite);
    }
    if (e.holderStack != null) {
      b.put(Attrs.HOLDER, e.holderStack);
    }
    boolean returned = "returned".equals(e.state);
    return new LogRecord(
        e.epochNanos,
        returned ? LogRecord.INFO : LogRecord.WARN,
        returned ? "INFO" : "WARN",
        body(e),
        b.build(),
        EVENT_NAME);
  }

  private static String body(LeakEvent e) {
    String text;
    switch (e.state) {
      case "returned":
        text = "previously reported leaked connection was returned after %.1f s";
        break;
      case "collected":
        text = "connection was garbage-collected without close() after %.1f s";
        break;
      default:
        text = "connection held for %.1f s, past the leak threshold";
    }
    return String.format(Locale.ROOT, text, e.ageSeconds) + " (pool " + e.pool + ")";
  }
}
