package io.poolscope.alerts;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Where notifications go and which alerts go there. Built from plain values so the collector can
 * map its own configuration onto it; {@link Builder#build()} validates once and names the bad
 * value.
 *
 * @param name unique name, used in delivery history ({@code slack}, {@code oncall-pd})
 * @param type kind of receiver
 * @param url the receiver's URL: webhook/Slack URL, PagerDuty enqueue URL, Alertmanager base URL
 *     ({@code /api/v2/alerts} is appended when missing); {@code null} for {@link Type#LOG}
 * @param routingKey PagerDuty integration (routing) key; {@code null} for other types
 * @param match labels an alert must carry, with these exact values, to be sent here ({@code
 *     severity: critical}); empty matches every alert
 * @param matchRegex labels an alert must carry with values matching these anchored regular
 *     expressions ({@code severity: critical|error}); empty matches every alert
 * @param headers extra HTTP headers, e.g. {@code Authorization} for a webhook
 * @param maxAttempts attempts per notification before giving up (first try included)
 * @param initialBackoff wait before the first retry; doubled per retry up to {@code maxBackoff}
 * @param maxBackoff longest wait between two attempts
 * @param resendInterval Alertmanager only: how often a firing alert is re-posted so Alertmanager
 *     does not time it out (Prometheus does the same); {@link Duration#ZERO} for other types
 * @param groupBy labels whose values make a notification group, as Alertmanager's {@code group_by}
 *     ({@code alertname} is the rule name); {@code ["..."]} groups by every label, so each alert is
 *     its own group. Not used by Alertmanager targets, which group themselves.
 * @param groupWait how long a new group waits for more alerts before its first notification
 * @param groupInterval least time between two notifications of one group that tell of changes
 * @param repeatInterval after how long a group whose alerts still fire is notified again
 */
public record NotifierTarget(
    String name,
    Type type,
    URI url,
    String routingKey,
    Map<String, String> match,
    Map<String, String> matchRegex,
    Map<String, String> headers,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration resendInterval,
    List<String> groupBy,
    Duration groupWait,
    Duration groupInterval,
    Duration repeatInterval) {

  /**
   * Alertmanager's default {@code group_by} for Poolscope: one group per rule, server, db and
   * service.
   */
  public static final List<String> DEFAULT_GROUP_BY =
      List.of("alertname", "server", "db", "service");

  /** {@code group_by} value that groups by every label: no grouping. */
  public static final String ALL_LABELS = "...";

  /** PagerDuty's Events API v2 endpoint, the default URL of a {@link Type#PAGERDUTY} target. */
  public static final URI PAGERDUTY_EVENTS_V2 =
      URI.create("https://events.pagerduty.com/v2/enqueue");

  /** Kinds of receivers. */
  public enum Type {
    /** Generic JSON webhook, Alertmanager webhook (version 4) shape. */
    WEBHOOK,
    /** Slack incoming webhook. */
    SLACK,
    /** PagerDuty Events API v2. */
    PAGERDUTY,
    /** Prometheus Alertmanager, {@code POST /api/v2/alerts}. */
    ALERTMANAGER,
    /** The JDK platform logger ({@code System.Logger} "io.poolscope.alerts"); never fails. */
    LOG;

    /**
     * Parses {@code webhook}, {@code slack}, {@code pagerduty}, {@code alertmanager}, {@code log}.
     */
    public static Type parse(String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "notifier type '"
                + text
                + "' is not one of webhook, slack, pagerduty, alertmanager, log");
      }
    }
  }

  /** Copies the maps. Prefer {@link #builder}, which validates and fills defaults. */
  public NotifierTarget {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    match = Map.copyOf(match == null ? Map.of() : match);
    matchRegex = Map.copyOf(matchRegex == null ? Map.of() : matchRegex);
    headers = Map.copyOf(headers == null ? Map.of() : headers);
    groupBy = List.copyOf(groupBy == null ? DEFAULT_GROUP_BY : groupBy);
  }

  /** Whether this target sends one notification per group (every type but Alertmanager). */
  public boolean groups() {
    return type != Type.ALERTMANAGER;
  }

  /**
   * Name, type and receiver host only: a Slack or webhook URL's path and a PagerDuty routing key
   * are credentials and must not reach a log through this.
   */
  @Override
  public String toString() {
    return "NotifierTarget["
        + name
        + ", "
        + type.name().toLowerCase(Locale.ROOT)
        + (url == null ? "" : ", " + url.getScheme() + "://" + url.getAuthority())
        + "]";
  }

  /** Whether an alert with these labels is routed to this target. */
  public boolean matches(Map<String, String> alertLabels) {
    for (Map.Entry<String, String> m : match.entrySet()) {
      if (!m.getValue().equals(alertLabels.get(m.getKey()))) {
        return false;
      }
    }
    for (Map.Entry<String, String> m : matchRegex.entrySet()) {
      if (!Pattern.matches(m.getValue(), alertLabels.getOrDefault(m.getKey(), ""))) {
        return false;
      }
    }
    return true;
  }

  /** Starts a target of the given type ({@code "slack"}, ...). */
  public static Builder builder(String name, String type) {
    return new Builder(name, Type.parse(type));
  }

  /** Starts a target of the given type. */
  public static Builder builder(String name, Type type) {
    return new Builder(name, type);
  }

  /**
   * One-call form for simple configuration mapping.
   *
   * @param name unique target name
   * @param type {@code webhook}, {@code slack}, {@code pagerduty}, {@code alertmanager} or {@code
   *     log}
   * @param url receiver URL (may be {@code null} for log, and for PagerDuty's public endpoint)
   * @param routingKey PagerDuty routing key, else {@code null}
   * @param match labels to match, may be {@code null}
   */
  public static NotifierTarget of(
      String name, String type, String url, String routingKey, Map<String, String> match) {
    return builder(name, type).url(url).routingKey(routingKey).match(match).build();
  }

  /** Collects plain values; {@link #build()} validates them. */
  public static final class Builder {
    private final String name;
    private final Type type;
    private String url;
    private String routingKey;
    private final Map<String, String> match = new LinkedHashMap<>();
    private final Map<String, String> matchRegex = new LinkedHashMap<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private int maxAttempts = 6;
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofMinutes(1);
    private Duration resendInterval = Duration.ofMinutes(1);
    private List<String> groupBy = DEFAULT_GROUP_BY;
    private Duration groupWait = Duration.ofSeconds(30);
    private Duration groupInterval = Duration.ofMinutes(5);
    private Duration repeatInterval = Duration.ofHours(4);

    private Builder(String name, Type type) {
      this.name = name;
      this.type = type;
    }

    /** Receiver URL. */
    public Builder url(String url) {
      this.url = url;
      return this;
    }

    /** PagerDuty routing key. */
    public Builder routingKey(String key) {
      this.routingKey = key;
      return this;
    }

    /** Adds labels an alert must carry (exact values). */
    public Builder match(Map<String, String> labels) {
      if (labels != null) {
        match.putAll(labels);
      }
      return this;
    }

    /** Adds one required label. */
    public Builder match(String label, String value) {
      match.put(label, value);
      return this;
    }

    /** Adds labels whose values must match these regular expressions (anchored). */
    public Builder matchRegex(Map<String, String> labels) {
      if (labels != null) {
        matchRegex.putAll(labels);
      }
      return this;
    }

    /** Adds one label whose value must match {@code regex} (anchored). */
    public Builder matchRegex(String label, String regex) {
      matchRegex.put(label, regex);
      return this;
    }

    /** Adds an HTTP header sent with every request. */
    public Builder header(String header, String value) {
      headers.put(header, value);
      return this;
    }

    /** Attempts per notification, first try included (default 6). */
    public Builder maxAttempts(int n) {
      this.maxAttempts = n;
      return this;
    }

    /** Backoff: first retry after {@code initial}, doubling to at most {@code max} (1 s, 1 min). */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /** Alertmanager re-post interval for firing alerts (default 1 min). */
    public Builder resendInterval(Duration d) {
      this.resendInterval = d;
      return this;
    }

    /**
     * Labels that make a group ({@code group_by}; default alertname, db, service). {@code null}
     * keeps the default.
     */
    public Builder groupBy(List<String> labels) {
      this.groupBy = labels == null ? DEFAULT_GROUP_BY : new ArrayList<>(labels);
      return this;
    }

    /** Wait of a new group before its first notification (default 30 s); null keeps it. */
    public Builder groupWait(Duration d) {
      if (d != null) {
        this.groupWait = d;
      }
      return this;
    }

    /** Least time between a group's notifications of changes (default 5 min); null keeps it. */
    public Builder groupInterval(Duration d) {
      if (d != null) {
        this.groupInterval = d;
      }
      return this;
    }

    /** Re-notification interval of a still-firing group (default 4 h); null keeps it. */
    public Builder repeatInterval(Duration d) {
      if (d != null) {
        this.repeatInterval = d;
      }
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the target, the field and the value
     */
    public NotifierTarget build() {
      String where = "notifier '" + name + "' (" + type.name().toLowerCase(Locale.ROOT) + "): ";
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("notifier name must not be empty");
      }
      URI uri = null;
      if (type == Type.PAGERDUTY && (url == null || url.isBlank())) {
        uri = PAGERDUTY_EVENTS_V2;
      } else if (type != Type.LOG) {
        if (url == null || url.isBlank()) {
          throw new IllegalArgumentException(where + "url is required");
        }
        try {
          uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(where + "url '" + url + "' is not a URL", e);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
          throw new IllegalArgumentException(where + "url '" + url + "' is not http(s)");
        }
        if (type == Type.ALERTMANAGER && !uri.getPath().endsWith("/api/v2/alerts")) {
          String base = uri.toString().replaceAll("/+$", "");
          uri = URI.create(base + "/api/v2/alerts");
        }
      }
      if (type == Type.PAGERDUTY && (routingKey == null || routingKey.isBlank())) {
        throw new IllegalArgumentException(where + "routing key is required");
      }
      for (Map.Entry<String, String> m : matchRegex.entrySet()) {
        try {
          Pattern.compile(m.getValue());
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException(
              where
                  + "match regex for '"
                  + m.getKey()
                  + "' ('"
                  + m.getValue()
                  + "') is not a regular expression: "
                  + e.getDescription(),
              e);
        }
      }
      for (Map.Entry<String, String> h : headers.entrySet()) {
        try {
          java.net.http.HttpRequest.newBuilder().header(h.getKey(), h.getValue());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              where + "header '" + h.getKey() + "' cannot be set: " + e.getMessage(), e);
        }
      }
      if (maxAttempts < 1) {
        throw new IllegalArgumentException(where + "max attempts must be >= 1, not " + maxAttempts);
      }
      if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException(
            where + "backoff " + initialBackoff + ".." + maxBackoff + " is not a valid range");
      }
      for (String l : groupBy) {
        boolean ok = l != null && (l.equals(ALL_LABELS) || l.matches("[a-zA-Z_][a-zA-Z0-9_]*"));
        if (!ok || (l.equals(ALL_LABELS) && groupBy.size() > 1)) {
          throw new IllegalArgumentException(
              where
                  + "group by: '"
                  + l
                  + "' is not a label name"
                  + (ok ? " ('...' stands alone: group by every label)" : ""));
        }
      }
      if (groupWait.isNegative()) {
        throw new IllegalArgumentException(where + "group wait " + groupWait + " is negative");
      }
      if (groupInterval.isNegative()) {
        throw new IllegalArgumentException(
            where + "group interval " + groupInterval + " is negative");
      }
      if (repeatInterval.isNegative() || repeatInterval.isZero()) {
        throw new IllegalArgumentException(
            where + "repeat interval " + repeatInterval + " must be positive");
      }
      Duration resend = type == Type.ALERTMANAGER ? resendInterval : Duration.ZERO;
      return new NotifierTarget(
          name,
          type,
          uri,
          type == Type.PAGERDUTY ? routingKey : null,
          match,
          matchRegex,
          headers,
          maxAttempts,
          initialBackoff,
          maxBackoff,
          resend,
          groupBy,
          groupWait,
          groupInterval,
          repeatInterval);
    }
  }
}
