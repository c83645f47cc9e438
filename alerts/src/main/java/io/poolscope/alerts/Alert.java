package io.poolscope.alerts;

import java.util.Map;
import java.util.Set;

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
 * @param pods the distinct {@code pod} label values of the series behind this alert at the last
 *     evaluation that returned it: one for a per-pod series, every pod of the group for an
 *     aggregation such as {@code max by (service, pool) (...)}
 * @param pools the distinct pools behind it: {@code pod/pool} label pairs (only {@code pool} where
 *     a series has no pod), so three pods' pools of one family count three
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
    String fingerprint,
    Set<String> pods,
    Set<String> pools) {

  /** Copies the maps and sets so a snapshot never changes under its reader. */
  public Alert {
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    pods = pods == null ? Set.of() : Set.copyOf(pods);
    pools = pools == null ? Set.of() : Set.copyOf(pools);
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
