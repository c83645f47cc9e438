package io.poolscope.alerts.internal.group;

import io.poolscope.alerts.Alert;
import io.poolscope.alerts.AlertState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The alerts of one target that share the group-by labels, and when the group may be notified next.
 * Confined to the evaluating thread.
 */
final class AlertGroup {
  final String key;
  final Map<String, String> labels;

  /** Latest state of each alert by fingerprint, in order of arrival. */
  private final Map<String, Alert> alerts = new LinkedHashMap<>();

  /** Each alert as it was last notified. */
  private final Map<String, Alert> told = new HashMap<>();

  private long nextFlush;
  private long lastSent = -1;

  AlertGroup(String key, Map<String, String> labels, long firstFlush) {
    this.key = key;
    this.labels = labels;
    this.nextFlush = firstFlush;
  }

  void put(Alert a) {
    Alert before = told.get(a.fingerprint());
    if (a.state() == AlertState.RESOLVED && before == null) {
      // Fired and resolved before the group was notified: nothing was paged, nothing to clear.
      alerts.remove(a.fingerprint());
      return;
    }
    alerts.put(a.fingerprint(), a);
  }

  /**
   * Nothing left to tell or to repeat and its wait or interval over: the grouper forgets the group.
   * Until then an alert that joins is told at the group's time, not after a new wait.
   */
  boolean finished(long now) {
    return alerts.isEmpty() && now >= nextFlush;
  }

  /** No alerts left at all. */
  boolean isDrained() {
    return alerts.isEmpty();
  }

  /**
   * The notification due at {@code now}, or null: at the end of group wait or of a group interval
   * when an alert fired or resolved since the last one; after the repeat interval when only
   * still-firing alerts are left to tell.
   */
  Notification due(long now, long groupIntervalMillis, long repeatIntervalMillis) {
    return due(now, groupIntervalMillis, repeatIntervalMillis, false);
  }

  /**
   * As {@link #due(long, long, long)}; {@code now} ignores the group's wait or interval and repeats
   * nothing: what changed is told at once (at shutdown).
   */
  Notification due(
      long now, long groupIntervalMillis, long repeatIntervalMillis, boolean immediately) {
    if ((!immediately && now < nextFlush) || alerts.isEmpty()) {
      return null;
    }
    boolean changed = false;
    for (Alert a : alerts.values()) {
      changed |= !alreadyTold(a);
    }
    boolean repeat =
        !immediately && !changed && lastSent >= 0 && now - lastSent >= repeatIntervalMillis;
    if (!changed && !repeat) {
      return null;
    }
    List<Notification.Entry> firing = new ArrayList<>();
    List<Notification.Entry> resolved = new ArrayList<>();
    for (Alert a : alerts.values()) {
      Notification.Entry e = new Notification.Entry(a, alreadyTold(a));
      (a.state() == AlertState.RESOLVED ? resolved : firing).add(e);
    }
    firing.addAll(resolved);
    for (Alert a : List.copyOf(alerts.values())) {
      if (a.state() == AlertState.RESOLVED) {
        alerts.remove(a.fingerprint());
        told.remove(a.fingerprint());
      } else {
        told.put(a.fingerprint(), a);
      }
    }
    lastSent = now;
    nextFlush = now + groupIntervalMillis;
    return new Notification(key, labels, firing);
  }

  /**
   * Takes over a firing alert that an earlier engine (a crashed or replaced collector) already
   * notified: it is not told again, and its resolve is told as a resolve of a paged alert.
   */
  void restoreTold(Alert a, long now) {
    alerts.put(a.fingerprint(), a);
    told.put(a.fingerprint(), a);
    lastSent = now;
    nextFlush = Math.min(nextFlush, now);
  }

  /** Whether this transition (same state, same firing) was in an earlier notification. */
  boolean alreadyTold(Alert a) {
    Alert t = told.get(a.fingerprint());
    return t != null && t.state() == a.state() && t.firedAt() == a.firedAt();
  }
}
