package io.poolscope.alerts.internal.group;

import io.poolscope.alerts.Alert;
import io.poolscope.alerts.AlertState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One message to one target: a group's alerts at one flush (firing ones first, then those that
 * resolved since the last message), or for Alertmanager a batch of individual alerts.
 *
 * @param groupKey the group's identity, {@code {alertname="...",db="..."}}; for an Alertmanager
 *     batch the target's name
 * @param groupLabels the group-by labels and their values
 * @param entries the alerts, each with whether it was already told in this state
 */
public record Notification(String groupKey, Map<String, String> groupLabels, List<Entry> entries) {

  /**
   * One alert in a notification.
   *
   * @param alert the alert as last evaluated
   * @param repeat whether an earlier notification to this target already told this state (a
   *     still-firing alert listed again, a repeat, or an Alertmanager keep-alive re-post)
   */
  public record Entry(Alert alert, boolean repeat) {}

  /** Copies the lists. */
  public Notification {
    groupLabels = Map.copyOf(groupLabels);
    entries = List.copyOf(entries);
  }

  /** A notification of one alert (tests, and an Alertmanager batch of one). */
  public static Notification of(Alert alert, boolean repeat) {
    return new Notification(alert.fingerprint(), Map.of(), List.of(new Entry(alert, repeat)));
  }

  /** {@code firing} while any alert fires, else {@code resolved} (Alertmanager's group status). */
  public String status() {
    return firingCount() > 0 ? "firing" : "resolved";
  }

  /** Alerts firing. */
  public int firingCount() {
    return (int) entries.stream().filter(e -> e.alert().state() != AlertState.RESOLVED).count();
  }

  /** Alerts resolved since the last notification. */
  public int resolvedCount() {
    return entries.size() - firingCount();
  }

  /** Whether every entry repeats what was already told (no transition in it). */
  public boolean keepAlive() {
    return entries.stream().allMatch(Entry::repeat);
  }

  /** The pods behind the alerts (union of {@link Alert#pods()}). */
  public Set<String> pods() {
    Set<String> out = new TreeSet<>();
    entries.forEach(e -> out.addAll(e.alert().pods()));
    return out;
  }

  /** The pools behind the alerts (union of {@link Alert#pools()}). */
  public Set<String> pools() {
    Set<String> out = new TreeSet<>();
    entries.forEach(e -> out.addAll(e.alert().pools()));
    return out;
  }

  /** The alert the headline is about: the first firing one, else the first. */
  public Alert lead() {
    return entries.get(0).alert(); // firing ones come first
  }

  /** Labels every alert of the notification has with the same value, plus {@code alertname}. */
  public Map<String, String> commonLabels() {
    Map<String, String> common = null;
    for (Entry e : entries) {
      Map<String, String> l = new TreeMap<>(e.alert().labels());
      l.put("alertname", e.alert().rule());
      if (common == null) {
        common = l;
      } else {
        common.entrySet().removeIf(c -> !c.getValue().equals(l.get(c.getKey())));
      }
    }
    return common == null ? Map.of() : common;
  }

  /** Annotations every alert has with the same text. */
  public Map<String, String> commonAnnotations() {
    Map<String, String> common = null;
    for (Entry e : entries) {
      Map<String, String> a = e.alert().annotations();
      if (common == null) {
        common = new TreeMap<>(a);
      } else {
        common.entrySet().removeIf(c -> !c.getValue().equals(a.get(c.getKey())));
      }
    }
    return common == null ? Map.of() : common;
  }
}
