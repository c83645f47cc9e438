package io.poolscope.alerts.internal.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.poolscope.alerts.Alert;
import io.poolscope.alerts.AlertState;
import io.poolscope.alerts.NotifierTarget;
import io.poolscope.alerts.internal.Fingerprints;
import io.poolscope.alerts.internal.group.Notification;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Request bodies for each receiver type, with the field names each one publishes: Alertmanager's
 * webhook (version 4) for the generic webhook, Slack's incoming-webhook {@code text}/{@code
 * blocks}, PagerDuty Events API v2, and Alertmanager's {@code postableAlerts}. A grouped
 * notification is one body listing its alerts; an Alertmanager batch is one alert per entry.
 */
final class Payloads {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Alertmanager's "not ended" time, as its own webhook prints it. */
  private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  /** Alerts listed one by one in a Slack message or PagerDuty's details; the rest are counted. */
  static final int LISTED = 20;

  private Payloads() {}

  static String body(NotifierTarget t, Notification n, String externalUrl, long now) {
    return switch (t.type()) {
      case WEBHOOK -> webhook(t, n, externalUrl).toString();
      case SLACK -> slack(n, externalUrl).toString();
      case PAGERDUTY -> pagerDuty(t, n, externalUrl).toString();
      case ALERTMANAGER -> {
        ArrayNode list = JSON.createArrayNode();
        n.entries().forEach(e -> list.add(alertmanager(t, e.alert(), externalUrl, now)));
        yield list.toString();
      }
      case LOG -> JSON.createObjectNode().toString();
    };
  }

  static Map<String, String> labelsWithName(Alert a) {
    Map<String, String> l = new TreeMap<>(a.labels());
    l.put("alertname", a.rule());
    return l;
  }

  static String status(Alert a) {
    return a.state() == AlertState.RESOLVED ? "resolved" : "firing";
  }

  static String iso(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }

  /**
   * The one-line headline every receiver shows: {@code [FIRING:critical] PoolscopeConnectionLeak (3
   * firing, 1 resolved; 3 pods, 4 pools): <first alert's summary> and 3 more}. The counts are left
   * out for a group of one, the coverage when the alerts name no pod or pool.
   */
  static String headline(Notification n) {
    Alert lead = n.lead();
    boolean resolved = n.firingCount() == 0;
    StringBuilder sb =
        new StringBuilder(resolved ? "[RESOLVED] " : "[FIRING:" + lead.severity() + "] ");
    sb.append(n.commonLabels().getOrDefault("alertname", lead.rule()));
    String counts =
        n.entries().size() > 1
            ? n.firingCount() + " firing, " + n.resolvedCount() + " resolved"
            : "";
    String cover = coverage(n);
    if (!counts.isEmpty() || !cover.isEmpty()) {
      sb.append(" (").append(counts).append(!counts.isEmpty() && !cover.isEmpty() ? "; " : "");
      sb.append(cover).append(')');
    }
    if (lead.summary() != null) {
      sb.append(": ").append(lead.summary());
    }
    if (n.entries().size() > 1) {
      sb.append(" and ").append(n.entries().size() - 1).append(" more");
    }
    return sb.toString();
  }

  /** {@code 3 pods, 4 pools}, or empty when the alerts name none. */
  static String coverage(Notification n) {
    int pods = n.pods().size();
    int pools = n.pools().size();
    if (pods == 0 && pools == 0) {
      return "";
    }
    String p = pods + (pods == 1 ? " pod" : " pods");
    String q = pools + (pools == 1 ? " pool" : " pools");
    return pods == 0 ? q : p + ", " + q;
  }

  private static ObjectNode counts(Notification n) {
    ObjectNode o = JSON.createObjectNode();
    o.put("firing", n.firingCount());
    o.put("resolved", n.resolvedCount());
    o.put("pods", n.pods().size());
    o.put("pools", n.pools().size());
    return o;
  }

  private static ObjectNode webhook(NotifierTarget t, Notification n, String externalUrl) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "4");
    root.put("groupKey", n.groupKey());
    root.put("truncatedAlerts", 0);
    root.put("status", n.status());
    root.put("receiver", t.name());
    root.set("groupLabels", JSON.valueToTree(new TreeMap<>(n.groupLabels())));
    root.set("commonLabels", JSON.valueToTree(n.commonLabels()));
    root.set("commonAnnotations", JSON.valueToTree(n.commonAnnotations()));
    root.put("externalURL", externalUrl == null ? "" : externalUrl);
    root.set("poolscope", counts(n));
    ArrayNode alerts = root.putArray("alerts");
    for (Notification.Entry e : n.entries()) {
      Alert a = e.alert();
      ObjectNode alert = alerts.addObject();
      alert.put("status", status(a));
      alert.set("labels", JSON.valueToTree(labelsWithName(a)));
      alert.set("annotations", JSON.valueToTree(new TreeMap<>(a.annotations())));
      alert.put("startsAt", iso(a.firedAt() > 0 ? a.firedAt() : a.activeSince()));
      alert.put("endsAt", a.state() == AlertState.RESOLVED ? iso(a.resolvedAt()) : ZERO_TIME);
      alert.put("generatorURL", externalUrl == null ? "" : externalUrl);
      alert.put("fingerprint", a.fingerprint());
      alert.put("value", a.value());
      alert.put("pods", a.pods().size());
      alert.put("pools", a.pools().size());
    }
    return root;
  }

  private static ObjectNode slack(Notification n, String externalUrl) {
    String head = headline(n);
    ObjectNode root = JSON.createObjectNode();
    root.put("text", head); // the notification and fallback text
    ArrayNode blocks = root.putArray("blocks");
    StringBuilder body = new StringBuilder("*").append(escape(head)).append('*');
    Alert lead = n.lead();
    if (lead.description() != null) {
      body.append('\n').append(escape(lead.description()));
    }
    section(blocks, body.toString());
    if (n.entries().size() > 1) {
      StringBuilder list = new StringBuilder();
      int shown = 0;
      for (Notification.Entry e : n.entries()) {
        if (shown++ == LISTED) {
          list.append("\n… and ").append(n.entries().size() - LISTED).append(" more");
          break;
        }
        Alert a = e.alert();
        list.append(list.length() == 0 ? "" : "\n").append("• ").append(status(a)).append(": ");
        list.append(escape(a.summary() == null ? a.rule() : a.summary()));
      }
      section(blocks, list.toString());
    }
    ObjectNode context = blocks.addObject();
    context.put("type", "context");
    StringBuilder labels = new StringBuilder();
    Map<String, String> shownLabels =
        n.entries().size() > 1 ? n.commonLabels() : new TreeMap<>(lead.labels());
    for (Map.Entry<String, String> e : shownLabels.entrySet()) {
      labels.append(labels.length() == 0 ? "" : "  ");
      labels.append('`').append(escape(e.getKey() + "=" + e.getValue())).append('`');
    }
    if (externalUrl != null) {
      labels.append("  <").append(externalUrl).append("|Poolscope>");
    }
    context.putArray("elements").addObject().put("type", "mrkdwn").put("text", labels.toString());
    return root;
  }

  private static void section(ArrayNode blocks, String mrkdwn) {
    ObjectNode section = blocks.addObject();
    section.put("type", "section");
    ObjectNode text = section.putObject("text");
    text.put("type", "mrkdwn");
    text.put("text", mrkdwn.length() > 3000 ? mrkdwn.substring(0, 2997) + "..." : mrkdwn);
  }

  /** Slack's three control characters in mrkdwn. */
  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /**
   * One PagerDuty incident per group, the same across restarts: {@code poolscope/<alertname>/<16
   * hex of the group labels>}. Grouped by every label, that is the alert's own fingerprint.
   */
  static String dedupKey(Notification n) {
    Map<String, String> labels = new TreeMap<>(n.groupLabels());
    String rule = labels.remove("alertname");
    return "poolscope/"
        + (rule == null ? "group" : rule)
        + "/"
        + Fingerprints.of(rule == null ? "" : rule, labels);
  }

  private static ObjectNode pagerDuty(NotifierTarget t, Notification n, String externalUrl) {
    ObjectNode root = JSON.createObjectNode();
    root.put("routing_key", t.routingKey());
    boolean resolved = n.firingCount() == 0;
    root.put("event_action", resolved ? "resolve" : "trigger");
    root.put("dedup_key", dedupKey(n));
    if (resolved) {
      return root; // a resolve needs only the key; PagerDuty ignores a payload on it
    }
    root.put("client", "Poolscope");
    if (externalUrl != null) {
      root.put("client_url", externalUrl);
    }
    Alert lead = n.lead();
    Map<String, String> common = n.commonLabels();
    ObjectNode p = root.putObject("payload");
    String summary = headline(n).replaceFirst("^\\[[^]]*] ", "");
    p.put("summary", summary.length() > 1024 ? summary.substring(0, 1021) + "..." : summary);
    p.put(
        "source",
        common.getOrDefault(
            "db", common.getOrDefault("server", common.getOrDefault("service", "poolscope"))));
    p.put("severity", lead.severity());
    p.put("timestamp", iso(lead.firedAt()));
    if (common.containsKey("service")) {
      p.put("component", common.get("service"));
    }
    if (common.containsKey("db")) {
      p.put("group", common.get("db"));
    } else if (common.containsKey("server")) {
      p.put("group", common.get("server"));
    }
    p.put("class", common.getOrDefault("alertname", lead.rule()));
    ObjectNode details = p.putObject("custom_details");
    details.put("value", lead.value());
    details.set("labels", JSON.valueToTree(common));
    details.set("annotations", JSON.valueToTree(n.commonAnnotations()));
    details.setAll(counts(n));
    ArrayNode alerts = details.putArray("alerts");
    for (Notification.Entry e : n.entries().subList(0, Math.min(LISTED, n.entries().size()))) {
      Alert a = e.alert();
      ObjectNode o = alerts.addObject();
      o.put("status", status(a));
      o.put("summary", a.summary());
      o.put("value", a.value());
      o.set("labels", JSON.valueToTree(new TreeMap<>(a.labels())));
    }
    return root;
  }

  private static ObjectNode alertmanager(NotifierTarget t, Alert a, String externalUrl, long now) {
    ObjectNode o = JSON.createObjectNode();
    o.set("labels", JSON.valueToTree(labelsWithName(a)));
    o.set("annotations", JSON.valueToTree(a.annotations()));
    o.put("startsAt", iso(a.firedAt()));
    if (a.state() == AlertState.RESOLVED) {
      o.put("endsAt", iso(a.resolvedAt()));
    } else {
      // As Prometheus does: a firing alert ends unless re-posted within four resend intervals.
      o.put("endsAt", iso(now + 4 * t.resendInterval().toMillis()));
    }
    if (externalUrl != null) {
      o.put("generatorURL", externalUrl);
    }
    return o;
  }
}
