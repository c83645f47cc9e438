package io.poolscope.alerts.internal.group;

import io.poolscope.alerts.Alert;
import io.poolscope.alerts.NotifierTarget;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alertmanager's grouping for one target: alerts with the same values of the target's {@code
 * groupBy} labels are one group, told in one notification per {@code groupInterval}, after {@code
 * groupWait} for a new group, again after {@code repeatInterval} while they fire. Time is the
 * evaluation time the engine passes in, so a test drives it without waiting. Confined to the
 * evaluating thread.
 */
public final class Grouper {
  private final NotifierTarget target;
  private final Map<String, AlertGroup> groups = new LinkedHashMap<>();

  /** Groups for {@code target}. */
  public Grouper(NotifierTarget target) {
    this.target = target;
  }

  /** Adds a firing or resolved transition at {@code now}. */
  public void add(Alert alert, long now) {
    Map<String, String> labels = groupLabels(target.groupBy(), alert);
    String key = key(labels);
    groups
        .computeIfAbsent(key, k -> new AlertGroup(k, labels, now + target.groupWait().toMillis()))
        .put(alert);
  }

  /** Restores a firing alert an earlier engine already notified (see AlertGroup#restoreTold). */
  public void restoreTold(Alert alert, long now) {
    Map<String, String> labels = groupLabels(target.groupBy(), alert);
    String key = key(labels);
    groups.computeIfAbsent(key, k -> new AlertGroup(k, labels, now)).restoreTold(alert, now);
  }

  /** Whether this firing of {@code alert} was already in a notification to this target. */
  public boolean told(Alert alert) {
    AlertGroup g = groups.get(key(groupLabels(target.groupBy(), alert)));
    return g != null && g.alreadyTold(alert);
  }

  /** The notifications due at {@code now}, at most one per group. */
  public List<Notification> due(long now) {
    List<Notification> out = new ArrayList<>();
    Iterator<AlertGroup> it = groups.values().iterator();
    while (it.hasNext()) {
      AlertGroup g = it.next();
      Notification n =
          g.due(now, target.groupInterval().toMillis(), target.repeatInterval().toMillis());
      if (n != null) {
        out.add(n);
      }
      if (g.finished(now)) {
        it.remove();
      }
    }
    return out;
  }

  /**
   * Every group's untold changes, whatever its wait or interval: at shutdown, so a resolve is not
   * lost with the process (a restarted engine would never resolve it).
   */
  public List<Notification> pendingChanges(long now) {
    List<Notification> out = new ArrayList<>();
    for (AlertGroup g : groups.values()) {
      Notification n =
          g.due(now, target.groupInterval().toMillis(), target.repeatInterval().toMillis(), true);
      if (n != null) {
        out.add(n);
      }
    }
    groups.values().removeIf(AlertGroup::isDrained);
    return out;
  }

  /** Groups with alerts still to tell or to repeat. */
  public int size() {
    return groups.size();
  }

  /** The group-by labels of an alert: present ones only, as Alertmanager does. */
  static Map<String, String> groupLabels(List<String> groupBy, Alert a) {
    Map<String, String> all = new TreeMap<>(a.labels());
    all.put("alertname", a.rule());
    if (groupBy.contains(NotifierTarget.ALL_LABELS)) {
      return all;
    }
    Map<String, String> out = new TreeMap<>();
    for (String l : groupBy) {
      String v = all.get(l);
      if (v != null && !v.isEmpty()) {
        out.put(l, v);
      }
    }
    return out;
  }

  /** {@code {alertname="X",db="pg1"}}, sorted: Alertmanager's group key shape. */
  static String key(Map<String, String> labels) {
    StringBuilder sb = new StringBuilder("{");
    new TreeMap<>(labels)
        .forEach(
            (k, v) ->
                sb.append(sb.length() > 1 ? "," : "")
                    .append(k)
                    .append("=\"")
                    .append(v.replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"'));
    return sb.append('}').toString();
  }
}
