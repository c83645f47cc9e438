package io.poolscope.alerts.internal.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.poolscope.alerts.Alert;
import io.poolscope.alerts.AlertState;
import io.poolscope.alerts.NotifierTarget;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Request bodies for each receiver type, with the field names each one publishes: Alertmanager's
 * webhook (version 4) for the generic webhook, Slack's incoming-webhook {@code text}/{@code
 * blocks}, PagerDuty Events API v2, and Alertmanager's {@code postableAlerts}.
 */
final class Payloads {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Alertmanager's "not ended" time, as its own webhook prints it. */
  private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private Payloads() {}

  static String body(NotifierTarget t, Notification n, String externalUrl, long now) {
    ObjectNode root;
    switch (t.type()) {
      case WEBHOOK:
        return webhook(t, n, externalUrl).toString();
      case SLACK:
        return slack(n, externalUrl).toString();
      case PAGERDUTY:
        return pagerDuty(t, n, externalUrl).toString();
      case ALERTMANAGER:
        ArrayNode list = JSON.createArrayNode();
        list.add(alertmanager(t, n, externalUrl, now));
        return list.toString();
      default:
        root = JSON.createObjectNode();
        return root.toString();
    }
  }

  static Map<String, String> labelsWithName(Alert a) {
    Map<String, String> l = new TreeMap<>(a.labels());
    l.put("alertname", a.rule());
    return l;
  }

  static String status(Notification n) {
    return n.alert().state() == AlertState.RESOLVED ? "resolved" : "firing";
  }

  static String iso(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }

  private static ObjectNode webhook(NotifierTarget t, Notification n, String externalUrl) {
    Alert a = n.alert();
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "4");
    root.put("groupKey", "poolscope/" + a.rule() + "/" + a.fingerprint());
    root.put("truncatedAlerts", 0);
    root.put("status", status(n));
    root.put("receiver", t.name());
    root.set("groupLabels", JSON.valueToTree(Map.of("alertname", a.rule())));
    root.set("commonLabels", JSON.valueToTree(labelsWithName(a)));
    root.set("commonAnnotations", JSON.valueToTree(a.annotations()));
    root.put("externalURL", externalUrl == null ? "" : externalUrl);
    ObjectNode alert = root.putArray("alerts").addObject();
    alert.put("status", status(n));
    alert.set("labels", JSON.valueToTree(labelsWithName(a)));
    alert.set("annotations", JSON.valueToTree(a.annotations()));
    alert.put("startsAt", iso(a.firedAt() > 0 ? a.firedAt() : a.activeSince()));
    alert.put("endsAt", a.state() == AlertState.RESOLVED ? iso(a.resolvedAt()) : ZERO_TIME);
    alert.put("generatorURL", externalUrl == null ? "" : externalUrl);
    alert.put("fingerprint", a.fingerprint());
    alert.put("value", a.value());
    return root;
  }

  private static ObjectNode slack(Notification n, String externalUrl) {
    Alert a = n.alert();
    boolean resolved = a.state() == AlertState.RESOLVED;
    String head =
        (resolved ? "[RESOLVED] " : "[FIRING:" + a.severity() + "] ")
            + a.rule()
            + (a.summary() == null ? "" : ": " + a.summary());
    ObjectNode root = JSON.createObjectNode();
    root.put("text", head); // the notification and fallback text
    ArrayNode blocks = root.putArray("blocks");
    ObjectNode section = blocks.addObject();
    section.put("type", "section");
    ObjectNode text = section.putObject("text");
    text.put("type", "mrkdwn");
    StringBuilder body = new StringBuilder("*").append(escape(head)).append('*');
    if (a.description() != null) {
      body.append('\n').append(escape(a.description()));
    }
    text.put("text", body.toString());
    ObjectNode context = blocks.addObject();
    context.put("type", "context");
    StringBuilder labels = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(a.labels()).entrySet()) {
      labels.append(labels.length() == 0 ? "" : "  ");
      labels.append('`').append(escape(e.getKey() + "=" + e.getValue())).append('`');
    }
    if (externalUrl != null) {
      labels.append("  <").append(externalUrl).append("|Poolscope>");
    }
    context.putArray("elements").addObject().put("type", "mrkdwn").put("text", labels.toString());
    return root;
  }

  /** Slack's three control characters in mrkdwn. */
  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  static String dedupKey(Alert a) {
    return "poolscope/" + a.rule() + "/" + a.fingerprint();
  }

  private static ObjectNode pagerDuty(NotifierTarget t, Notification n, String externalUrl) {
    Alert a = n.alert();
    ObjectNode root = JSON.createObjectNode();
    root.put("routing_key", t.routingKey());
    boolean resolved = a.state() == AlertState.RESOLVED;
    root.put("event_action", resolved ? "resolve" : "trigger");
    root.put("dedup_key", dedupKey(a));
    if (resolved) {
      return root; // a resolve needs only the key; PagerDuty ignores a payload on it
    }
    root.put("client", "Poolscope");
    if (externalUrl != null) {
      root.put("client_url", externalUrl);
    }
    ObjectNode p = root.putObject("payload");
    String summary = a.summary() == null ? a.rule() : a.rule() + ": " + a.summary();
    p.put("summary", summary.length() > 1024 ? summary.substring(0, 1021) + "..." : summary);
    p.put("source", a.labels().getOrDefault("db", a.labels().getOrDefault("service", "poolscope")));
    p.put("severity", a.severity());
    p.put("timestamp", iso(a.firedAt()));
    if (a.labels().containsKey("service")) {
      p.put("component", a.labels().get("service"));
    }
    if (a.labels().containsKey("db")) {
      p.put("group", a.labels().get("db"));
    }
    p.put("class", a.rule());
    ObjectNode details = p.putObject("custom_details");
    details.put("value", a.value());
    details.set("labels", JSON.valueToTree(new TreeMap<>(a.labels())));
    details.set("annotations", JSON.valueToTree(a.annotations()));
    return root;
  }

  private static ObjectNode alertmanager(
      NotifierTarget t, Notification n, String externalUrl, long now) {
    Alert a = n.alert();
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
