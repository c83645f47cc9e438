package io.poolscope.agent.internal.otlp;

import io.opentelemetry.api.common.Attributes;

/** One OTLP log record (an event): times, severity, a string body, attributes, event name. */
public final class LogRecord {
  /** OTLP's SeverityNumber INFO. */
  public static final int INFO = 9;

  /** OTLP's SeverityNumber WARN. */
  public static final int WARN = 13;

  /** When it happened, epoch nanoseconds. */
  public final long epochNanos;

  /** The severity number. */
  public final int severity;

  /** The severity text. */
  public final String severityText;

  /** The body. */
  public final String body;

  /** The attributes. */
  public final Attributes attributes;

  /** The event name, or null. */
  public final String eventName;

  /**
   * Creates a record.
   *
   * @param epochNanos when it happened
   * @param severity the severity number
   * @param severityText the severity text
   * @param body the body
   * @param attributes the attributes
   * @param eventName the event name, or null
   */
  public LogRecord(
      long epochNanos,
      int severity,
      String severityText,
      String body,
      Attributes attributes,
      String eventName) {
    this.epochNanos = epochNanos;
    this.severity = severity;
    this.severityText = severityText;
    this.body = body;
    this.attributes = attributes;
    this.eventName = eventName;
  }
}
