package io.poolscope.alerts.internal.notify;

import io.poolscope.alerts.Alert;
import io.poolscope.alerts.AlertState;
import io.poolscope.alerts.internal.group.Notification;
import java.lang.System.Logger.Level;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/** The log target: one line per notification (one per group) through the JDK platform logger. */
final class LogNotifier {
  private static final System.Logger LOG = System.getLogger("io.poolscope.alerts");
  private static final List<String> SEVERITIES = List.of("critical", "warning", "info");

  private LogNotifier() {}

  /**
   * {@code alert firing PoolscopeConnectionLeak+PoolscopePoolTimeouts severity=critical
   * group={db=pg1, service=payments} firing=2 resolved=0 pods=2 pools=2: firing
   * PoolscopeConnectionLeak "summary" | firing PoolscopePoolTimeouts "summary"}: the rules the
   * group carries in the head, and each alert with its rule, so a group of several rules still
   * names every one of them; the severity is the worst firing one.
   */
  static void log(Notification n) {
    String severity = severity(n);
    StringBuilder line =
        new StringBuilder("alert ")
            .append(n.status())
            .append(' ')
            .append(String.join("+", rules(n)))
            .append(" severity=")
            .append(severity)
            .append(" group=")
            .append(new TreeMap<>(n.groupLabels()))
            .append(" firing=")
            .append(n.firingCount())
            .append(" resolved=")
            .append(n.resolvedCount())
            .append(" pods=")
            .append(n.pods().size())
            .append(" pools=")
            .append(n.pools().size());
    String sep = ": ";
    for (Notification.Entry e : n.entries()) {
      Alert a = e.alert();
      line.append(sep)
          .append(Payloads.status(a))
          .append(' ')
          .append(a.rule())
          .append(" \"")
          .append(a.summary() == null ? a.rule() + " " + new TreeMap<>(a.labels()) : a.summary())
          .append('"');
      sep = " | ";
    }
    LOG.log(severity.equals("info") ? Level.INFO : Level.WARNING, line.toString());
  }

  /** The rules of the notification's alerts, in the order they appear (firing ones first). */
  static Set<String> rules(Notification n) {
    Set<String> out = new LinkedHashSet<>();
    n.entries().forEach(e -> out.add(e.alert().rule()));
    return out;
  }

  /** The worst severity among the firing alerts, or the lead's when all resolved. */
  static String severity(Notification n) {
    String worst = null;
    for (Notification.Entry e : n.entries()) {
      String s = e.alert().severity();
      if (e.alert().state() != AlertState.RESOLVED && (worst == null || rank(s) < rank(worst))) {
        worst = s;
      }
    }
    return worst == null ? n.lead().severity() : worst;
  }

  private static int rank(String severity) {
    int i = SEVERITIES.indexOf(severity);
    return i < 0 ? SEVERITIES.size() : i;
  }
}
