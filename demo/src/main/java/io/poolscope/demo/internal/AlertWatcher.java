package io.poolscope.demo.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Follows the collector's API as the dashboard would, and writes what changes to the timeline: the
 * demo database's budget as it crosses each tenth of the usable limit ({@code /api/overview}), the
 * first pod with a second pool ({@code /api/services}), the first leak with its call site ({@code
 * /api/leaks}), and each alert firing and resolving ({@code /api/alerts}).
 */
public final class AlertWatcher implements AutoCloseable {
  /**
   * One rule's episode as the demo saw it: from its first alert instance firing to its last one
   * resolving (the incident fires one instance per pool, and the job makes a pool per run).
   *
   * @param rule the rule name
   * @param labels the first instance's labels, abridged
   * @param firedAt time since the demo started when the first instance fired
   * @param resolvedAt when the last instance resolved, or null while one still fires
   * @param instances how many alert instances (label sets) fired in the episode
   */
  public record Observed(
      String rule, String labels, Duration firedAt, Duration resolvedAt, int instances) {}

  private static final class Episode {
    final String rule;
    final String labels;
    final Duration firedAt;
    final Set<String> instances = new HashSet<>();
    Duration resolvedAt;

    Episode(String rule, String labels, Duration firedAt) {
      this.rule = rule;
      this.labels = labels;
      this.firedAt = firedAt;
    }
  }

  private static final List<String> SHOWN_LABELS =
      List.of("service", "pod", "pool", "state", "error_type", "call_site");

  private final CollectorClient client;
  private final String databaseId;
  private final Timeline timeline;
  private final Duration interval;
  private final List<Episode> episodes = new ArrayList<>();
  private final Map<String, Episode> openEpisodes = new LinkedHashMap<>();
  private final Thread thread;
  private int lastBudgetTenth = -1;
  private boolean secondPoolSeen;
  private boolean leakSeen;
  private volatile boolean running = true;

  /**
   * Starts watching on a daemon thread.
   *
   * @param client the collector
   * @param databaseId the demo database's target id
   * @param timeline where changes are written
   * @param interval how often to poll
   */
  public AlertWatcher(
      CollectorClient client, String databaseId, Timeline timeline, Duration interval) {
    this.client = client;
    this.databaseId = databaseId;
    this.timeline = timeline;
    this.interval = interval;
    this.thread = new Thread(this::loop, "demo-alert-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      try {
        pollBudget();
        pollFleet();
        pollAlerts();
      } catch (Exception e) {
        // The collector may be starting or stopping; the next poll tries again.
      }
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void pollBudget() throws Exception {
    JsonNode database = client.database(databaseId);
    if (database.isMissingNode() || !database.path("utilization").isNumber()) {
      return;
    }
    double utilization = database.path("utilization").asDouble();
    int tenth = (int) Math.floor(utilization * 10);
    // Every tenth on the way up; on the way down only real drops, not a pod's pool refilling.
    if (tenth > lastBudgetTenth || tenth < lastBudgetTenth - 1) {
      String direction = lastBudgetTenth < 0 ? "" : tenth > lastBudgetTenth ? " up" : " down";
      timeline.note(
          "budget",
          String.format(
              "%d%%%s: %d open of %d usable (max_connections %d), planned %d, PostgreSQL counts %s",
              Math.round(utilization * 100),
              direction,
              database.path("open").asInt(),
              database.path("usable").asInt(),
              database.path("maxConnections").asInt(),
              database.path("planned").asInt(),
              database.path("actual").asText("?")));
      lastBudgetTenth = tenth;
    }
  }

  private void pollFleet() throws Exception {
    if (!secondPoolSeen) {
      for (JsonNode pod : client.service("payments").path("pods")) {
        int pools = pod.path("pools").size();
        if (pools > 1) {
          secondPoolSeen = true;
          // created/closed count per pod and pool type, repeated on each of its pools.
          long created = 0;
          long closed = 0;
          for (JsonNode pool : pod.path("pools")) {
            created = Math.max(created, pool.path("created").asLong());
            closed = Math.max(closed, pool.path("closed").asLong());
          }
          timeline.note(
              "fleet",
              pod.path("podName").asText()
                  + " (v"
                  + pod.path("version").asText()
                  + ") runs "
                  + pools
                  + " pools: a second pool per pod, and churn (created "
                  + created
                  + ", closed "
                  + closed
                  + ")");
          break;
        }
      }
    }
    if (!leakSeen) {
      for (JsonNode leak : client.leaks(databaseId, 100)) {
        String state = leak.path("state").asText();
        if (!state.equals("suspected") && !state.equals("collected")) {
          continue; // a slow borrow that was returned after all is not the story
        }
        leakSeen = true;
        timeline.note(
            "leak",
            leak.path("state").asText()
                + " in "
                + leak.path("pod").asText()
                + " pool "
                + leak.path("pool").asText()
                + ", borrowed at "
                + firstFrame(leak.path("callSite").asText()));
        break;
      }
    }
  }

  private void pollAlerts() throws Exception {
    Map<String, List<JsonNode>> firing = new TreeMap<>();
    for (JsonNode alert : client.alerts().path("active")) {
      if ("firing".equals(alert.path("state").asText())) {
        firing.computeIfAbsent(alert.path("rule").asText(), r -> new ArrayList<>()).add(alert);
      }
    }
    synchronized (this) {
      for (Map.Entry<String, List<JsonNode>> rule : firing.entrySet()) {
        Episode open = openEpisodes.get(rule.getKey());
        if (open == null) {
          JsonNode first = rule.getValue().get(0);
          open = new Episode(rule.getKey(), labels(first.path("labels")), timeline.elapsed());
          openEpisodes.put(rule.getKey(), open);
          episodes.add(open);
          timeline.note(
              "alert",
              "FIRING   "
                  + rule.getKey()
                  + " ["
                  + first.path("severity").asText()
                  + "] "
                  + first.path("summary").asText(open.labels));
        }
        for (JsonNode alert : rule.getValue()) {
          open.instances.add(new TreeMap<>(labelMap(alert.path("labels"))).toString());
        }
      }
      for (var it = openEpisodes.values().iterator(); it.hasNext(); ) {
        Episode open = it.next();
        if (!firing.containsKey(open.rule)) {
          open.resolvedAt = timeline.elapsed();
          it.remove();
          timeline.note(
              "alert",
              String.format(
                  "RESOLVED %s after %.1f s (%d alert instance%s)",
                  open.rule,
                  (open.resolvedAt.toMillis() - open.firedAt.toMillis()) / 1000.0,
                  open.instances.size(),
                  open.instances.size() == 1 ? "" : "s"));
        }
      }
    }
  }

  /**
   * The first frame of a call site, without the {@code at } a Java stack trace puts before it.
   *
   * @param callSite the call site, one frame a line
   * @return the first frame, or {@code ?}
   */
  public static String firstFrame(String callSite) {
    String first = callSite.lines().findFirst().orElse("?").strip();
    return first.startsWith("at ") ? first.substring(3).strip() : first;
  }

  private static Map<String, String> labelMap(JsonNode labels) {
    Map<String, String> map = new TreeMap<>();
    labels.fields().forEachRemaining(f -> map.put(f.getKey(), f.getValue().asText()));
    return map;
  }

  private static String labels(JsonNode labels) {
    List<String> parts = new ArrayList<>();
    for (String name : SHOWN_LABELS) {
      if (labels.hasNonNull(name)) {
        parts.add(name + "=" + labels.path(name).asText());
      }
    }
    return "{" + String.join(", ", parts) + "}";
  }

  /**
   * Every alert episode seen, in the order they began.
   *
   * @return a snapshot
   */
  public synchronized List<Observed> observed() {
    return episodes.stream()
        .map(e -> new Observed(e.rule, e.labels, e.firedAt, e.resolvedAt, e.instances.size()))
        .toList();
  }

  /**
   * Whether every alert seen firing has resolved.
   *
   * @return true when none is still firing
   */
  public synchronized boolean allResolved() {
    return openEpisodes.isEmpty();
  }

  /**
   * Prints one line per alert episode: when it fired and resolved, and how many instances.
   *
   * @param out where to print
   */
  public void printSummary(PrintStream out) {
    out.println();
    out.println("Alerts during the demo (time since start):");
    for (Observed alert : observed()) {
      out.printf(
          "  %-36s fired %6.1f s  resolved %s  %3d instance(s), first %s%n",
          alert.rule(),
          alert.firedAt().toMillis() / 1000.0,
          alert.resolvedAt() == null
              ? "    -   "
              : String.format("%6.1f s", alert.resolvedAt().toMillis() / 1000.0),
          alert.instances(),
          alert.labels());
    }
    out.println();
    out.flush();
  }

  /** Stops watching. */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
