package io.poolscope.alerts.internal.notify;

import io.poolscope.alerts.Alert;
import io.poolscope.alerts.internal.group.Notification;
import java.lang.System.Logger.Level;
import java.util.TreeMap;

/** The log target: one line per notification (one per group) through the JDK platform logger. */
final class LogNotifier {
  private static final System.Logger LOG = System.getLogger("io.poolscope.alerts");

  private LogNotifier() {}

  /**
   * {@code alert firing PoolscopeConnectionLeak group={alertname=..., db=pg1, service=payments}
   * firing=2 resolved=0 pods=2 pools=2: "summary" | "summary"}.
   */
  static void log(Notification n) {
    Alert lead = n.lead();
    StringBuilder line =
        new StringBuilder("alert ")
            .append(n.status())
            .append(' ')
            .append(n.commonLabels().getOrDefault("alertname", lead.rule()))
            .append(" severity=")
            .append(lead.severity())
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
          .append(" \"")
          .append(a.summary() == null ? a.rule() + " " + new TreeMap<>(a.labels()) : a.summary())
          .append('"');
      sep = " | ";
    }
    LOG.log(lead.severity().equals("info") ? Level.INFO : Level.WARNING, line.toString());
  }
}
