package io.poolscope.collector.internal.api;

import java.util.List;
import java.util.Map;

/**
 * What the read API needs from alerting: the active alerts. The seam between the collector and the
 * alerts engine; {@link #NONE} until an engine is wired in.
 */
public interface AlertsView {

  /** One pending or firing alert, as {@code /api/alerts} shows it. */
  record Active(
      String rule,
      String state,
      String severity,
      Map<String, String> labels,
      double value,
      long activeSince,
      Long firedAt,
      String summary,
      String description) {}

  /** Pending and firing alerts now. */
  List<Active> active();

  /** No alerting. */
  AlertsView NONE = List::of;
}
