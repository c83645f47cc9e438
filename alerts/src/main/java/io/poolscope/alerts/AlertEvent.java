package io.poolscope.alerts;

/**
 * One entry of alert history: a state change of an alert instance, or one delivery attempt of a
 * notification that carried it (a group's notification gives one event per alert in it). The
 * collector persists these.
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
   * @param keepAlive whether the notification repeated this alert's state rather than telling its
   *     transition: a still-firing alert listed again in its group's next notification, a repeat
   *     after the repeat interval, or an Alertmanager re-post (a history view may leave these out)
   * @param groupKey the notification group the alert was sent in ({@code {alertname="...",
   *     db="...", service="..."}}; for Alertmanager the target's name): one request carries every
   *     alert with the same target, attempt and group key
   */
  public record Delivery(
      String target,
      int attempt,
      int status,
      String error,
      boolean willRetry,
      boolean keepAlive,
      String groupKey) {}
}
