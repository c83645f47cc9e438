package io.poolscope.alerts.internal.notify;

import io.poolscope.alerts.Alert;

/**
 * One message about one alert: its firing, its resolve, or (Alertmanager only) a re-post of a
 * still-firing alert.
 *
 * @param alert the alert as it was at the transition
 * @param resend whether this is an Alertmanager keep-alive re-post rather than a transition
 */
public record Notification(Alert alert, boolean resend) {}
