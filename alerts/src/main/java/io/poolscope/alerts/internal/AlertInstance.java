package io.poolscope.alerts.internal;

import io.poolscope.alerts.Alert;
import io.poolscope.alerts.AlertState;
import java.util.Map;
import java.util.Set;

/** Mutable state of one alert instance, owned by the evaluator (confined to its lock). */
final class AlertInstance {
  final String fingerprint;
  final Map<String, String> labels;
  AlertState state = AlertState.PENDING;
  double value;
  long activeSince;
  long firedAt;
  long resolvedAt;

  /** Pods and pools behind the last result (see {@link Alert#pods()}). */
  Set<String> pods = Set.of();

  Set<String> pools = Set.of();

  /** Last time a firing re-post went to Alertmanager targets. */
  long lastResend;

  AlertInstance(String fingerprint, Map<String, String> labels, long activeSince) {
    this.fingerprint = fingerprint;
    this.labels = labels;
    this.activeSince = activeSince;
  }

  /** An immutable copy; annotations are rendered here, only when someone looks. */
  Alert snapshot(CompiledRule c) {
    return new Alert(
        c.rule.name(),
        state,
        c.rule.severity(),
        labels,
        c.render(labels, value),
        value,
        activeSince,
        firedAt,
        resolvedAt,
        fingerprint,
        pods,
        pools);
  }
}
