package io.poolscope.alerts.internal.notify;

import io.poolscope.alerts.Alert;
import io.poolscope.alerts.AlertEvent;
import io.poolscope.alerts.AlertState;
import io.poolscope.alerts.NotifierTarget;
import java.lang.System.Logger.Level;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Delivers notifications off the evaluating thread. Each (target, alert instance) pair is a lane:
 * its notifications go out one at a time and in order, so a resolve never overtakes the firing it
 * resolves (PagerDuty would otherwise open an incident that nothing closes). A failed attempt is
 * retried with exponential backoff on the scheduler while other lanes carry on; every attempt is
 * reported to the event sink.
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
  private volatile boolean closed;

  private static final class Lane {
    final NotifierTarget target;
    final ArrayDeque<Notification> queue = new ArrayDeque<>();
    boolean busy;
    int attempt;

    /** State of the last transition queued here, so a repeated transition is not sent twice. */
    AlertState lastQueued;

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
  }

  /** Queues a transition (firing or resolved) to every target whose match it satisfies. */
  public void submit(Alert alert) {
    for (NotifierTarget t : targets) {
      if (t.matches(alert.labels())) {
        enqueue(t, new Notification(alert, false));
      }
    }
  }

  /** Queues a keep-alive re-post of a firing alert to matching Alertmanager targets. */
  public void resend(Alert alert) {
    for (NotifierTarget t : targets) {
      if (t.type() == NotifierTarget.Type.ALERTMANAGER && t.matches(alert.labels())) {
        enqueue(t, new Notification(alert, true));
      }
    }
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
    synchronized (this) {
      String key = t.name() + "/" + n.alert().fingerprint();
      lane = lanes.computeIfAbsent(key, k -> new Lane(t));
      if (n.resend()) {
        if (lane.busy) {
          return; // something for this alert is already on its way; that keeps it alive too
        }
      } else {
        if (n.alert().state() == lane.lastQueued) {
          return; // deduplicate: this transition was already queued for this target
        }
        lane.lastQueued = n.alert().state();
      }
      lane.queue.add(n);
      if (lane.busy) {
        return;
      }
      lane.busy = true;
      lane.attempt = 0;
    }
    run(lane, key(t, n), 0);
  }

  private static String key(NotifierTarget t, Notification n) {
    return t.name() + "/" + n.alert().fingerprint();
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
    emit(
        new AlertEvent(
            ok ? AlertEvent.Type.DELIVERED : AlertEvent.Type.FAILED,
            clock.millis(),
            n.alert(),
            new AlertEvent.Delivery(
                lane.target.name(), attempt, status, error, retry, n.resend())));
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
        if (lane.lastQueued == AlertState.RESOLVED) {
          lanes.remove(key); // the instance is gone; a new one starts a fresh lane
        }
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
