package io.poolscope.agent.internal.export;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.Body;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import io.poolscope.agent.internal.leak.LeakEvent;

/** A leak event as an OTLP log record: {@code event.name = poolscope.connection.leak}. */
@SuppressWarnings("deprecation") // getBody is still abstract in the SDK interface
final class LeakLogRecord implements LogRecordData {
  static final String EVENT_NAME = "poolscope.connection.leak";

  private final Resource resource;
  private final InstrumentationScopeInfo scope;
  private final LeakEvent event;
  private final Attributes attributes;

  LeakLogRecord(Resource resource, InstrumentationScopeInfo scope, LeakEvent e) {
    this.resource = resource;
    this.scope = scope;
    this.event = e;
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
    this.attributes = b.build();
  }

  @Override
  public Resource getResource() {
    return resource;
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return scope;
  }

  @Override
  public long getTimestampEpochNanos() {
    return event.epochNanos;
  }

  @Override
  public long getObservedTimestampEpochNanos() {
    return event.epochNanos;
  }

  @Override
  public SpanContext getSpanContext() {
    return SpanContext.getInvalid();
  }

  @Override
  public Severity getSeverity() {
    return "returned".equals(event.state) ? Severity.INFO : Severity.WARN;
  }

  @Override
  public String getSeverityText() {
    return "returned".equals(event.state) ? "INFO" : "WARN";
  }

  @Override
  public Body getBody() {
    String text;
    switch (event.state) {
      case "returned":
        text = "previously reported leaked connection was returned after %.1f s";
        break;
      case "collected":
        text = "connection was garbage-collected without close() after %.1f s";
        break;
      default:
        text = "connection held for %.1f s, past the leak threshold";
    }
    return Body.string(
        String.format(java.util.Locale.ROOT, text, event.ageSeconds)
            + " (pool "
            + event.pool
            + ")");
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public int getTotalAttributeCount() {
    return attributes.size();
  }

  @Override
  public String getEventName() {
    return EVENT_NAME;
  }
}
