package io.poolscope.alerts.internal.notify;

import io.poolscope.alerts.Alert;
import java.lang.System.Logger.Level;
import java.util.TreeMap;

/** The log target: one line per notification through the JDK platform logger. */
final class LogNotifier {
  private static final System.Logger LOG = System.getLogger("io.poolscope.alerts");

  private LogNotifier() {}

  static void log(Notification n) {
    Alert a = n.alert();
    String line =
        "alert "
            + Payloads.status(n)
            + " "
            + a.rule()
            + " severity="
            + a.severity()
            + " value="
            + a.value()
            + " labels="
            + new TreeMap<>(a.labels())
            + (a.summary() == null ? "" : " summary=\"" + a.summary() + "\"");
    LOG.log(a.severity().equals("info") ? Level.INFO : Level.WARNING, line);
  }
}
