package io.poolscope.alerts;

import io.poolscope.alerts.internal.Evaluator;
import io.poolscope.alerts.internal.notify.Dispatcher;
import java.lang.System.Logger.Level;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Evaluates rules over the samples the collector hands it each interval and sends notifications.
 *
 * <p>{@link #evaluate} is cheap and never blocks on a receiver: deliveries, retries and their
 * backoff run on the engine's scheduler. Notifications are grouped per target (alerts/RULES.md
 * section 5); group wait, group interval and repeat interval are measured in evaluation times, and
 * each evaluation sends what is due. Thread-safe; evaluations are serialised.
 *
 * <pre>{@code
 * AlertEngine engine = AlertEngine.builder()
 *     .rules(RuleSet.defaults())
 *     .target(NotifierTarget.of("slack", "slack", slackUrl, null, Map.of()))
 *     .build();
 * engine.addListener(history::store);
 * engine.evaluate(samples, System.currentTimeMillis()); // every interval
 * }</pre>
 */
public final class AlertEngine implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("io.poolscope.alerts");

  private final Evaluator evaluator;
  private volatile RuleSet rules;
  private final Dispatcher dispatcher;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final List<AlertListener> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  /** Time of the last evaluation: the time base of notification grouping. */
  private long lastEvaluation = -1;

  /**
   * The pending and firing alerts as of the last evaluation or reload, published as an immutable
   * list: readers (the collector's API, many threads) never wait for an evaluation in progress.
   */
  private volatile List<Alert> active = List.of();

  private AlertEngine(Builder b) {
    this.clock = b.clock;
    this.evaluator = new Evaluator(b.rules);
    this.rules = b.rules;
    this.ownsScheduler = b.executor == null;
    this.scheduler = ownsScheduler ? defaultScheduler() : b.executor;
    HttpClient http =
        b.httpClient != null
            ? b.httpClient
            : HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .executor(scheduler)
                .build();
    this.dispatcher =
        new Dispatcher(b.targets, scheduler, http, clock, this::publish, b.externalUrl);
    b.listeners.forEach(this::addListener);
  }

  /** Starts an engine configuration. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Evaluates every rule over this interval's samples at {@code nowMillis}: moves alerts between
   * pending, firing and resolved, tells listeners, and queues notifications for firing and resolve.
   *
   * @param samples everything the collector derived this interval (see collector/API.md)
   * @param nowMillis evaluation time, epoch ms; {@code for:} is measured in these times
   */
  public void evaluate(List<Sample> samples, long nowMillis) {
    Objects.requireNonNull(samples, "samples");
    if (closed) {
      throw new IllegalStateException("alert engine is closed");
    }
    // Listeners and the dispatcher are told inside the lock so that events of consecutive
    // evaluations can never interleave (a resolve queued before its firing).
    synchronized (evaluator) {
      lastEvaluation = nowMillis;
      List<AlertEvent> events = evaluator.evaluate(samples, nowMillis);
      // Published before listeners hear of the transitions, so one that reads active() sees them.
      active = List.copyOf(evaluator.active());
      deliver(events, nowMillis);
      long interval = dispatcher.resendIntervalMillis();
      if (interval > 0) {
        evaluator.dueForResend(nowMillis, interval).forEach(dispatcher::resend);
      }
      // Group waits and intervals run on evaluation time: deterministic, and a test's clock.
      dispatcher.flush(nowMillis);
    }
  }

  /** Evaluates at the engine clock's current time. */
  public void evaluate(List<Sample> samples) {
    evaluate(samples, clock.millis());
  }

  /**
   * Pending and firing alerts as of the last evaluation (or rule reload): an immutable list, the
   * same instance until the next one. Never blocks, even while an evaluation runs.
   */
  public List<Alert> active() {
    return active;
  }

  /**
   * The series names the rules in force read. Samples of any other name change nothing in an
   * evaluation, so a caller deriving many series may leave them out. Never blocks.
   */
  public Set<String> seriesNames() {
    return evaluator.names();
  }

  /** The rules in force (the last reloaded set). */
  public RuleSet rules() {
    return rules;
  }

  /**
   * The pending and firing alerts with their {@code for:} start, firing time and whether each
   * firing was notified: what a successor engine (the collector after a restart, or another replica
   * elected in its place) needs in {@link #restoreState} to neither re-page nor lose an alert.
   * Consistent with the last evaluation.
   */
  public List<SavedAlert> saveState() {
    synchronized (evaluator) {
      return List.copyOf(evaluator.save(dispatcher::told));
    }
  }

  /**
   * Continues from an earlier engine's {@link #saveState}, before this engine's first evaluation:
   * pending alerts keep their {@code for:} start; firing ones that were notified are not notified
   * again and are told when they resolve; firing ones that were not yet notified are notified.
   * Replaces whatever state this engine had. Alerts of rules not loaded now are dropped.
   */
  public void restoreState(List<SavedAlert> saved, long nowMillis) {
    Objects.requireNonNull(saved, "saved");
    synchronized (evaluator) {
      Map<String, Boolean> told = new java.util.HashMap<>();
      for (SavedAlert s : saved) {
        told.put(s.rule() + "|" + new java.util.TreeMap<>(s.labels()), s.notified());
      }
      for (Alert a : evaluator.restore(saved)) {
        dispatcher.restore(
            a,
            told.getOrDefault(a.rule() + "|" + new java.util.TreeMap<>(a.labels()), false),
            nowMillis);
      }
      active = List.copyOf(evaluator.active());
    }
  }

  /** Registers a history listener (state changes and delivery attempts). */
  public void addListener(AlertListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Replaces the rules. Unchanged rules (same name, expression and labels) keep their pending and
   * firing alerts, so a reload neither re-pages nor restarts a {@code for:}; firing alerts of
   * removed or changed rules resolve and are notified as resolved.
   */
  public void reload(RuleSet rules) {
    Objects.requireNonNull(rules, "rules");
    synchronized (evaluator) {
      long now = clock.millis();
      List<AlertEvent> events = evaluator.reload(rules, now);
      active = List.copyOf(evaluator.active());
      // Grouping runs on evaluation time, which a caller may choose: stay on that time base.
      long groupingNow = lastEvaluation >= 0 ? lastEvaluation : now;
      deliver(events, groupingNow);
      dispatcher.flush(groupingNow);
      this.rules = rules;
    }
  }

  /**
   * Stops the engine: no more evaluations or retries. Sends what the groups have not told yet
   * (firings and resolves waiting for a group wait or interval), waits up to two seconds for
   * notifications on their way (a resolve at shutdown should still reach the receiver), then shuts
   * down the scheduler if the engine created it.
   */
  @Override
  public void close() {
    synchronized (evaluator) {
      if (!closed && lastEvaluation >= 0) {
        // Untold resolves would otherwise die with the process: a restarted engine never
        // resolves them, and PagerDuty would keep the incident open.
        dispatcher.flushPendingChanges(lastEvaluation);
      }
      closed = true;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (!dispatcher.idle() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20); // no completion signal across lanes; a short poll is enough at shutdown
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    dispatcher.close();
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
  }

  private void deliver(List<AlertEvent> events, long now) {
    for (AlertEvent e : events) {
      publish(e);
      if (e.type() == AlertEvent.Type.FIRING || e.type() == AlertEvent.Type.RESOLVED) {
        dispatcher.submit(e.alert(), now);
      }
    }
  }

  private void publish(AlertEvent e) {
    for (AlertListener l : listeners) {
      try {
        l.onEvent(e);
      } catch (RuntimeException ex) {
        LOG.log(Level.WARNING, "alert listener failed on " + e.type(), ex);
      }
    }
  }

  private static ScheduledExecutorService defaultScheduler() {
    return Executors.newScheduledThreadPool(
        2,
        r -> {
          Thread t = new Thread(r, "poolscope-alerts-notify");
          t.setDaemon(true);
          return t;
        });
  }

  /** Configuration of an {@link AlertEngine}. */
  public static final class Builder {
    private RuleSet rules = RuleSet.defaults();
    private final List<NotifierTarget> targets = new ArrayList<>();
    private final List<AlertListener> listeners = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private ScheduledExecutorService executor;
    private HttpClient httpClient;
    private String externalUrl;

    private Builder() {}

    /** Rules to evaluate; {@link RuleSet#defaults()} when not called. */
    public Builder rules(RuleSet rules) {
      this.rules = Objects.requireNonNull(rules, "rules");
      return this;
    }

    /** Adds a notifier target. */
    public Builder target(NotifierTarget target) {
      this.targets.add(Objects.requireNonNull(target, "target"));
      return this;
    }

    /** Adds notifier targets. */
    public Builder targets(List<NotifierTarget> targets) {
      targets.forEach(this::target);
      return this;
    }

    /** Adds a history listener. */
    public Builder listener(AlertListener listener) {
      this.listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Clock for delivery timestamps and {@link #evaluate(List)}; system UTC by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Scheduler for deliveries and retries; the caller keeps ownership. By default the engine
     * creates two daemon threads and shuts them down on {@link #close()}.
     */
    public Builder executor(ScheduledExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** HTTP client for receivers (e.g. with a proxy); a default one otherwise. */
    public Builder httpClient(HttpClient client) {
      this.httpClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Public URL of the collector's dashboard, linked from notifications ({@code generatorURL},
     * PagerDuty {@code client_url}, Slack). Optional.
     */
    public Builder externalUrl(String url) {
      this.externalUrl = url;
      return this;
    }

    /** Builds the engine; target names must be unique. */
    public AlertEngine build() {
      java.util.Set<String> names = new java.util.HashSet<>();
      for (NotifierTarget t : targets) {
        if (!names.add(t.name())) {
          throw new IllegalArgumentException("duplicate notifier name '" + t.name() + "'");
        }
      }
      return new AlertEngine(this);
    }
  }
}
