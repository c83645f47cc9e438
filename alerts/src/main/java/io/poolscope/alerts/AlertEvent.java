package io.poolscope.alerts;

/**
 * One entry of alert history: a state change of an alert instance, or one delivery attempt of a
 * notification about it. The collector persists these.
 *
 * @param type what happened
 * @param timeMillis when, epoch ms (evaluation time for state changes, clock time for deliveries)
 * @param alert the alert as it was notified (its state says whether the notification was the firing
 *     or the resolve)
 * @param delivery details of the attempt for {@link Type#DELIVERED} and {@link Type#FAILED}; {@code
 *     null} for state changes
 */
public record AlertEvent(Type type, long timeMillis, Alert alert, Delivery delivery) {

  /** Kinds of history events. */
  public enum Type {
    /** A label set appeared and waits for {@code for:}. */
    PENDING,
    /** The alert fired; notifications are queued. */
    FIRING,
    /** A firing alert resolved; notifications are queued. */
    RESOLVED,
    /** A receiver accepted a notification (2xx). */
    DELIVERED,
    /** A delivery attempt failed; {@link Delivery#willRetry()} says whether another follows. */
    FAILED
  }

  /**
   * One delivery attempt.
   *
   * @param target the notifier target's name
   * @param attempt 1 for the first try, 2 for the first retry, ...
   * @param status the HTTP status, or 0 when no response came (connection refused, timeout)
   * @param error why it failed, or {@code null} when delivered
   * @param willRetry whether another attempt is scheduled after this failure
   * @param keepAlive whether this was an Alertmanager re-post of a still-firing alert rather than
   *     the notification of a transition (a history view may leave these out)
   */
  public record Delivery(
      String target, int attempt, int status, String error, boolean willRetry, boolean keepAlive) {}
}
