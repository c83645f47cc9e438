package io.poolscope.alerts.internal.notify;

import io.poolscope.alerts.Alert;
import io.poolscope.alerts.AlertEvent;
import io.poolscope.alerts.NotifierTarget;
import io.poolscope.alerts.internal.group.Grouper;
import io.poolscope.alerts.internal.group.Notification;
import java.lang.System.Logger.Level;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Groups alerts per target and delivers the notifications off the evaluating thread.
 *
 * <p>Grouping targets (every type but Alertmanager) get one notification per group and interval
 * ({@link Grouper}); Alertmanager targets, which group themselves, get each tick's individual
 * alerts in one {@code POST}, one entry per alert. Each (target, group) pair is a lane: its
 * notifications go out one at a time and in order, so a resolve never overtakes the firing it
 * resolves (PagerDuty would otherwise open an incident that nothing closes). A failed attempt is
 * retried with exponential backoff on the scheduler while other lanes carry on; every attempt is
 * reported to the event sink, once per alert the notification carries.
 */
public final class Dispatcher {
  private static final System.Logger LOG = System.getLogger("io.poolscope.alerts");
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final List<NotifierTarget> targets;
  private final ScheduledExecutorService scheduler;
  private final HttpClient http;
  private final Clock clock;
  private final Consumer<AlertEvent> sink;
  private final String externalUrl;
  private final Map<String, Lane> lanes = new HashMap<>();

  /** Grouping state per grouping target; touched only by the evaluating thread. */
  private final Map<String, Grouper> groupers = new HashMap<>();

  /** This tick's alerts per Alertmanager target, by fingerprint; evaluating thread only. */
  private final Map<String, Map<String, Notification.Entry>> batches = new HashMap<>();

  private volatile boolean closed;

  private static final class Lane {
    final NotifierTarget target;
    final ArrayDeque<Notification> queue = new ArrayDeque<>();
    boolean busy;
    int attempt;

    Lane(NotifierTarget target) {
      this.target = target;
    }
  }

  /** Creates a dispatcher; the caller owns and shuts down {@code scheduler}. */
  public Dispatcher(
      List<NotifierTarget> targets,
      ScheduledExecutorService scheduler,
      HttpClient http,
      Clock clock,
      Consumer<AlertEvent> sink,
      String externalUrl) {
    this.targets = List.copyOf(targets);
    this.scheduler = scheduler;
    this.http = http;
    this.clock = clock;
    this.sink = sink;
    this.externalUrl = externalUrl;
    for (NotifierTarget t : this.targets) {
      if (t.groups()) {
        groupers.put(t.name(), new Grouper(t));
      } else {
        batches.put(t.name(), new LinkedHashMap<>());
      }
    }
  }

  /**
   * Adds a transition (firing or resolved) at evaluation time {@code now} to every target whose
   * match it satisfies; {@link #flush} sends what is due.
   */
  public void submit(Alert alert, long now) {
    for (NotifierTarget t : targets) {
      if (t.matches(alert.labels())) {
        if (t.groups()) {
          groupers.get(t.name()).add(alert, now);
        } else {
          batches.get(t.name()).put(alert.fingerprint(), new Notification.Entry(alert, false));
        }
      }
    }
  }

  /**
   * Whether every grouping target that {@code alert} matches was already told of this firing.
   * Alertmanager targets count as told: they deduplicate by fingerprint and get a re-post anyway.
   */
  public boolean told(Alert alert) {
    for (NotifierTarget t : targets) {
      if (t.groups() && t.matches(alert.labels()) && !groupers.get(t.name()).told(alert)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Takes over a firing alert from an earlier engine: told ones are marked told in their groups, so
   * neither re-paged nor resolved silently; untold ones are submitted as firing now.
   */
  public void restore(Alert alert, boolean told, long now) {
    if (!told) {
      submit(alert, now);
      return;
    }
    for (NotifierTarget t : targets) {
      if (t.groups() && t.matches(alert.labels())) {
        groupers.get(t.name()).restoreTold(alert, now);
      }
    }
  }

  /** Adds a keep-alive re-post of a firing alert for matching Alertmanager targets. */
  public void resend(Alert alert) {
    for (NotifierTarget t : targets) {
      if (!t.groups() && t.matches(alert.labels())) {
        batches.get(t.name()).putIfAbsent(alert.fingerprint(), new Notification.Entry(alert, true));
      }
    }
  }

  /**
   * Queues what is due at evaluation time {@code now}: each group whose wait, interval or repeat
   * interval has passed, and each Alertmanager target's batch.
   */
  public void flush(long now) {
    for (NotifierTarget t : targets) {
      if (t.groups()) {
        for (Notification n : groupers.get(t.name()).due(now)) {
          enqueue(t, n);
        }
      } else {
        Map<String, Notification.Entry> batch = batches.get(t.name());
        if (!batch.isEmpty()) {
          enqueue(t, new Notification(t.name(), Map.of(), List.copyOf(batch.values())));
          batch.clear();
        }
      }
    }
  }

  /**
   * Queues every group's untold firings and resolves at once, whatever their wait or interval (at
   * shutdown), and the Alertmanager batches.
   */
  public void flushPendingChanges(long now) {
    for (NotifierTarget t : targets) {
      if (t.groups()) {
        for (Notification n : groupers.get(t.name()).pendingChanges(now)) {
          enqueue(t, n);
        }
      }
    }
    flush(now);
  }

  /** Shortest Alertmanager resend interval, or 0 when there is no Alertmanager target. */
  public long resendIntervalMillis() {
    return targets.stream()
        .filter(t -> t.type() == NotifierTarget.Type.ALERTMANAGER)
        .mapToLong(t -> t.resendInterval().toMillis())
        .filter(ms -> ms > 0)
        .min()
        .orElse(0);
  }

  /** Whether any notification is queued or in flight (for a graceful close). */
  public synchronized boolean idle() {
    return lanes.values().stream().noneMatch(l -> l.busy);
  }

  /** Stops retrying; notifications in flight complete, queued ones are dropped. */
  public void close() {
    closed = true;
  }

  private void enqueue(NotifierTarget t, Notification n) {
    if (closed) {
      return;
    }
    Lane lane;
    String key = key(t, n);
    synchronized (this) {
      lane = lanes.computeIfAbsent(key, k -> new Lane(t));
      if (!t.groups() && lane.queue.size() >= 2) {
        // A batch already waits behind the one in flight (Alertmanager slow or down): fold this
        // one into it, the latest state of each alert winning, so the queue stays bounded.
        Notification waiting = lane.queue.pollLast();
        Map<String, Notification.Entry> merged = new LinkedHashMap<>();
        waiting.entries().forEach(e -> merged.put(e.alert().fingerprint(), e));
        n.entries().forEach(e -> merged.put(e.alert().fingerprint(), e));
        n = new Notification(n.groupKey(), n.groupLabels(), List.copyOf(merged.values()));
      }
      lane.queue.add(n);
      if (lane.busy) {
        return;
      }
      lane.busy = true;
      lane.attempt = 0;
    }
    run(lane, key, 0);
  }

  private static String key(NotifierTarget t, Notification n) {
    return t.name() + "/" + n.groupKey();
  }

  private void run(Lane lane, String key, long delayMillis) {
    try {
      scheduler.schedule(() -> attempt(lane, key), delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        lane.busy = false; // engine closed
      }
    }
  }

  private void attempt(Lane lane, String key) {
    Notification n;
    synchronized (this) {
      n = lane.queue.peek();
      if (n == null || closed) {
        lane.busy = false;
        return;
      }
      lane.attempt++;
    }
    NotifierTarget t = lane.target;
    int attempt = lane.attempt;
    if (t.type() == NotifierTarget.Type.LOG) {
      LogNotifier.log(n);
      done(lane, key, n, attempt, 0, null, false);
      return;
    }
    HttpRequest request;
    try {
      HttpRequest.Builder req =
          HttpRequest.newBuilder(t.url())
              .timeout(REQUEST_TIMEOUT)
              .header("Content-Type", "application/json")
              .header("User-Agent", "Poolscope-alerts")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      Payloads.body(t, n, externalUrl, clock.millis())));
      t.headers().forEach(req::header);
      request = req.build();
    } catch (RuntimeException e) {
      // A request that cannot even be built fails the same way every time: give up at once,
      // and above all never leave the lane busy, which would block this alert's later messages.
      done(lane, key, n, attempt, 0, "cannot build request: " + e, false);
      return;
    }
    http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .whenComplete(
            (resp, err) -> {
              if (err != null) {
                Throwable c = err.getCause() != null ? err.getCause() : err;
                done(
                    lane,
                    key,
                    n,
                    attempt,
                    0,
                    c.getClass().getSimpleName() + ": " + c.getMessage(),
                    true);
              } else if (resp.statusCode() / 100 == 2) {
                done(lane, key, n, attempt, resp.statusCode(), null, false);
              } else {
                int status = resp.statusCode();
                String b = resp.body() == null ? "" : resp.body().strip();
                // 4xx other than 408/429 means the receiver rejects this body: a retry would too.
                boolean retryable = status >= 500 || status == 408 || status == 429;
                done(
                    lane,
                    key,
                    n,
                    attempt,
                    status,
                    "HTTP " + status + (b.isEmpty() ? "" : ": " + abbreviate(b)),
                    retryable);
              }
            });
  }

  private void done(
      Lane lane,
      String key,
      Notification n,
      int attempt,
      int status,
      String error,
      boolean retryable) {
    boolean ok = error == null;
    boolean retry = !ok && retryable && attempt < lane.target.maxAttempts() && !closed;
    long at = clock.millis();
    for (Notification.Entry e : n.entries()) {
      emit(
          new AlertEvent(
              ok ? AlertEvent.Type.DELIVERED : AlertEvent.Type.FAILED,
              at,
              e.alert(),
              new AlertEvent.Delivery(
                  lane.target.name(), attempt, status, error, retry, e.repeat(), n.groupKey())));
    }
    if (!ok) {
      LOG.log(
          retry ? Level.DEBUG : Level.WARNING,
          "notification to " + lane.target.name() + " failed (attempt " + attempt + "): " + error);
    }
    if (retry) {
      run(lane, key, backoff(lane.target, attempt));
      return;
    }
    boolean more;
    synchronized (this) {
      lane.queue.poll();
      lane.attempt = 0;
      more = !lane.queue.isEmpty();
      if (!more) {
        lane.busy = false;
        lanes.remove(key); // idle: the next notification of this group starts a fresh lane
      }
    }
    if (more) {
      run(lane, key, 0);
    }
  }

  static long backoff(NotifierTarget t, int attempt) {
    long initial = t.initialBackoff().toMillis();
    long max = t.maxBackoff().toMillis();
    long d = initial << Math.min(attempt - 1, 30);
    return d <= 0 || d > max ? max : d;
  }

  private void emit(AlertEvent e) {
    try {
      sink.accept(e);
    } catch (RuntimeException ex) {
      LOG.log(Level.WARNING, "alert listener failed", ex);
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
