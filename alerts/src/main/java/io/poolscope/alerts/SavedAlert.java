package io.poolscope.alerts;

import java.util.Map;

/**
 * One alert instance as {@link AlertEngine#saveState} hands it to a successor engine.
 *
 * @param rule the rule's name
 * @param labels the instance's labels (result labels plus rule labels)
 * @param state pending or firing
 * @param value the expression's value at the last evaluation
 * @param activeSince start of pending, epoch ms: the {@code for:} timer's start
 * @param firedAt when it turned firing, epoch ms; 0 while pending
 * @param lastResend last keep-alive re-post to Alertmanager targets, epoch ms; 0 if none
 * @param notified whether every grouping target it matches was told of this firing
 */
public record SavedAlert(
    String rule,
    Map<String, String> labels,
    AlertState state,
    double value,
    long activeSince,
    long firedAt,
    long lastResend,
    boolean notified) {

  /** Copies the labels. */
  public SavedAlert {
    labels = Map.copyOf(labels);
  }
}
