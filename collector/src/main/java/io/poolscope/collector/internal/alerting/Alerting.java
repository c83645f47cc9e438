package io.poolscope.collector.internal.alerting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.poolscope.alerts.Alert;
import io.poolscope.alerts.AlertEngine;
import io.poolscope.alerts.AlertEvent;
import io.poolscope.alerts.AlertState;
import io.poolscope.alerts.NotifierTarget;
import io.poolscope.alerts.RuleSet;
import io.poolscope.alerts.Sample;
import io.poolscope.collector.CollectorConfig;
import io.poolscope.collector.internal.api.AlertsView;
import io.poolscope.collector.internal.prometheus.FleetSample;
import io.poolscope.collector.internal.store.AlertRecord;
import io.poolscope.collector.internal.store.HistoryRecorder;
import io.poolscope.collector.internal.store.Store;
import io.poolscope.collector.internal.store.TimelineEvent;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's side of the alerts module: hands it each interval's samples, keeps its history
 * (firing and resolve transitions, with each target's latest delivery attempt) in the store, and
 * shows its active alerts to the read API.
 */
public final class Alerting implements AlertsView, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Alerting.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_TRACKED = 10_000;

  private final AlertEngine engine;

  /**
   * The elected replica's alerts as this replica shows them while it follows: the same rules
   * restored from the saved state, with no notifier and no history of its own.
   */
  private final AlertEngine mirror;

  private volatile boolean following;
  private final Store store;

  /** Stored transition per (fingerprint, state, time), for attaching delivery attempts. */
  private final Map<String, Long> transitions =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > MAX_TRACKED;
        }
      };

  private final Map<Long, Map<String, Map<String, Object>>> deliveries = new LinkedHashMap<>();

  /** The engine's last published active list and its conversion, converted once per evaluation. */
  private record Converted(List<Alert> source, List<Active> active) {}

  private volatile Converted converted = new Converted(List.of(), List.of());

  /**
   * Builds the engine from the configured rule file (or the defaults) and notifiers.
   *
   * @throws IllegalArgumentException naming the key when the rules or a notifier are invalid
   */
  public Alerting(CollectorConfig config, Store store) {
    this.store = store;
    RuleSet rules = loadRules(config);
    List<NotifierTarget> targets = new ArrayList<>();
    for (int i = 0; i < config.notifiers().size(); i++) {
      CollectorConfig.Notifier n = config.notifiers().get(i);
      try {
        targets.add(
            NotifierTarget.builder(n.name(), n.type())
                .url(n.url())
                .routingKey(n.routingKey())
                .match(n.match())
                .matchRegex(n.matchRegex())
                .groupBy(n.groupBy())
                .groupWait(n.groupWait())
                .groupInterval(n.groupInterval())
                .repeatInterval(n.repeatInterval())
                .build());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "invalid configuration: alerts.notifiers."
                + i
                + " ("
                + n.name()
                + "): "
                + e.getMessage(),
            e);
      }
    }
    AlertEngine.Builder b = AlertEngine.builder().rules(rules).targets(targets);
    config.externalUrl().ifPresent(b::externalUrl);
    this.engine = b.listener(this::onEvent).build();
    AlertEngine.Builder m = AlertEngine.builder().rules(rules);
    config.externalUrl().ifPresent(m::externalUrl);
    this.mirror = m.build();
  }

  /**
   * The rule set {@code config} selects: its {@code alerts.rules} file, or the built-in defaults.
   * Shared with {@code export-rules}, so the CLI prints exactly what a collector would evaluate.
   *
   * @throws IllegalArgumentException naming the key when the rule file is invalid or unreadable
   */
  public static RuleSet loadRules(CollectorConfig config) {
    if (config.alertRules().isEmpty()) {
      return RuleSet.defaults();
    }
    try {
      return RuleSet.load(config.alertRules().get());
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw new IllegalArgumentException(
          "invalid configuration: alerts.rules = '"
              + config.alertRules().get()
              + "': "
              + e.getMessage(),
          e);
    }
  }

  /** The rules being evaluated now (for {@code GET /api/rules/prometheus}). */
  public RuleSet rules() {
    return engine.rules();
  }

  /** Evaluates every rule over this interval's samples. */
  public void evaluate(List<FleetSample> samples, long now) {
    // Only the names some rule reads: a large fleet derives hundreds of thousands of samples a
    // round, most of them for /metrics alone.
    java.util.Set<String> read = engine.seriesNames();
    List<Sample> converted = new ArrayList<>();
    // A family's samples share one label map: copied once for all of them, not once per sample.
    Map<Map<String, String>, Map<String, String>> copies = new java.util.IdentityHashMap<>();
    for (FleetSample s : samples) {
      if (read.contains(s.name())) {
        Map<String, String> labels = copies.computeIfAbsent(s.labels(), Map::copyOf);
        converted.add(new Sample(s.name(), labels, s.value(), now));
      }
    }
    engine.evaluate(converted, now);
  }

  /** The series names the rules read (the others need not be derived for them). */
  public java.util.Set<String> seriesNames() {
    return engine.seriesNames();
  }

  /** The engine's state for a successor (see {@link AlertEngine#saveState}). */
  public List<io.poolscope.alerts.SavedAlert> saveState() {
    return engine.saveState();
  }

  /**
   * Continues from a predecessor's state (see {@link AlertEngine#restoreState}), and shows this
   * engine's alerts from now on.
   */
  public void restore(List<io.poolscope.alerts.SavedAlert> saved, long now) {
    engine.restoreState(saved, now);
    following = false;
  }

  /**
   * Shows the elected replica's alerts, {@code saved} as it stored them, instead of this engine's:
   * nothing is evaluated or notified here.
   */
  public void follow(List<io.poolscope.alerts.SavedAlert> saved, long now) {
    mirror.restoreState(saved, now);
    following = true;
  }

  /**
   * The active alerts of the last evaluation. Lock-free: the engine publishes an immutable list
   * after each evaluation, and its conversion is shared by every reader until the next one.
   */
  @Override
  public List<Active> active() {
    List<Alert> source = following ? mirror.active() : engine.active();
    Converted c = converted;
    if (c.source() != source) {
      c = new Converted(source, convert(source));
      converted = c;
    }
    return c.active();
  }

  private static List<Active> convert(List<Alert> alerts) {
    List<Active> out = new ArrayList<>(alerts.size());
    for (Alert a : alerts) {
      out.add(
          new Active(
              a.rule(),
              a.state().name().toLowerCase(Locale.ROOT),
              a.severity(),
              a.labels(),
              a.value(),
              a.activeSince(),
              a.firedAt() == 0 ? null : a.firedAt(),
              a.summary(),
              a.description()));
    }
    return List.copyOf(out);
  }

  /**
   * The history an alert's marks go on: its database target's, else its server's; none (every
   * chart) for an alert of neither.
   */
  private static String timelineOf(Alert a) {
    String db = a.labels().get("db");
    String server = a.labels().get("server");
    return db != null || server == null ? db : HistoryRecorder.SERVER_PREFIX + server;
  }

  private void onEvent(AlertEvent e) {
    Alert a = e.alert();
    switch (e.type()) {
      case FIRING, RESOLVED -> {
        String event = e.type() == AlertEvent.Type.FIRING ? "firing" : "resolved";
        long id =
            store.addAlert(
                new AlertRecord(e.timeMillis(), a.rule(), a.labels(), event, a.value(), "[]"));
        store.addEvent(
            new TimelineEvent(e.timeMillis(), timelineOf(a), "alert", a.rule() + " " + event));
        synchronized (this) {
          transitions.put(key(a), id);
        }
      }
      case DELIVERED, FAILED -> {
        if (e.delivery().keepAlive()) {
          return;
        }
        String json;
        long id;
        synchronized (this) {
          Long found = transitions.get(key(a));
          if (found == null) {
            return;
          }
          id = found;
          Map<String, Map<String, Object>> byTarget =
              deliveries.computeIfAbsent(id, k -> new LinkedHashMap<>());
          while (deliveries.size() > MAX_TRACKED) {
            deliveries.remove(deliveries.keySet().iterator().next());
          }
          Map<String, Object> d = new LinkedHashMap<>();
          d.put("target", e.delivery().target());
          d.put(
              "status",
              e.type() == AlertEvent.Type.DELIVERED
                  ? "delivered"
                  : e.delivery().willRetry() ? "retrying" : "failed");
          d.put("attempts", e.delivery().attempt());
          d.put("error", e.delivery().error());
          byTarget.put(e.delivery().target(), d);
          json = toJson(new ArrayList<>(byTarget.values()));
        }
        store.updateAlertDeliveries(id, json);
      }
      default -> {
        // Pending is not history: most pending alerts never fire.
      }
    }
  }

  private static String key(Alert a) {
    long t = a.state() == AlertState.RESOLVED ? a.resolvedAt() : a.firedAt();
    return a.fingerprint() + "|" + a.state() + "|" + t;
  }

  private static String toJson(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      LOG.warn("cannot encode deliveries: {}", e.getMessage());
      return "[]";
    }
  }

  @Override
  public void close() {
    engine.close();
    mirror.close();
  }
}
