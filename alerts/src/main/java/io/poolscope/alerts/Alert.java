package io.poolscope.alerts;

import java.util.Map;

/**
 * A snapshot of one alert instance: one rule and one label set.
 *
 * @param rule the rule's name ({@code alertname} in Prometheus terms)
 * @param state pending, firing or resolved
 * @param severity the rule's {@code severity} label ({@code warning} when it has none)
 * @param labels the result's labels plus the rule's labels (which win); no {@code alertname}
 * @param annotations the rule's annotations with {@code $value} and {@code $labels} filled in
 * @param value the expression's value at the last evaluation that returned this label set
 * @param activeSince when the label set first appeared (start of pending), epoch ms
 * @param firedAt when it turned firing, epoch ms; 0 while pending
 * @param resolvedAt when it resolved, epoch ms; 0 unless resolved
 * @param fingerprint stable hex id of rule name and labels: the same for firing and resolve, used
 *     as PagerDuty's {@code dedup_key} and to deduplicate notifications
 */
public record Alert(
    String rule,
    AlertState state,
    String severity,
    Map<String, String> labels,
    Map<String, String> annotations,
    double value,
    long activeSince,
    long firedAt,
    long resolvedAt,
    String fingerprint) {

  /** Copies the maps so a snapshot never changes under its reader. */
  public Alert {
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }

  /** The {@code summary} annotation, or {@code null}. */
  public String summary() {
    return annotations.get("summary");
  }

  /** The {@code description} annotation, or {@code null}. */
  public String description() {
    return annotations.get("description");
  }
}
