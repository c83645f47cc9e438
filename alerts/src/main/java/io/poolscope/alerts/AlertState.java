package io.poolscope.alerts;

/**
 * Where an alert instance is in its life, with Prometheus semantics. An instance that is not active
 * at all is "inactive" and has no {@link Alert} object.
 */
public enum AlertState {
  /** The expression returned this label set, but not yet for the rule's whole {@code for:}. */
  PENDING,
  /** The expression has returned this label set for at least {@code for:}; notified. */
  FIRING,
  /** A firing alert whose label set the expression no longer returns; notified once. */
  RESOLVED
}
