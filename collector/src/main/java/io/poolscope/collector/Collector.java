package io.poolscope.collector;

import io.javalin.Javalin;
import io.poolscope.alerts.RuleSet;
import io.poolscope.collector.internal.alerting.Alerting;
import io.poolscope.collector.internal.api.AccessControl;
import io.poolscope.collector.internal.api.ApiServer;
import io.poolscope.collector.internal.api.EventsHub;
import io.poolscope.collector.internal.api.IngestHandler;
import io.poolscope.collector.internal.api.PlanHandler;
import io.poolscope.collector.internal.api.ReadHandler;
import io.poolscope.collector.internal.api.ReadService;
import io.poolscope.collector.internal.budget.BudgetCalculator;
import io.poolscope.collector.internal.budget.OverviewService;
import io.poolscope.collector.internal.budget.Thresholds;
import io.poolscope.collector.internal.fleet.DeployTracker;
import io.poolscope.collector.internal.fleet.FleetBounds;
import io.poolscope.collector.internal.fleet.FleetModel;
import io.poolscope.collector.internal.limits.IngestGate;
import io.poolscope.collector.internal.limits.LimitSamples;
import io.poolscope.collector.internal.limits.Limits;
import io.poolscope.collector.internal.limits.Refusals;
import io.poolscope.collector.internal.otlp.IngestService;
import io.poolscope.collector.internal.otlp.OtlpBody;
import io.poolscope.collector.internal.plan.PlanCommand;
import io.poolscope.collector.internal.probe.ProbeRunner;
import io.poolscope.collector.internal.prometheus.Exposition;
import io.poolscope.collector.internal.prometheus.FleetSample;
import io.poolscope.collector.internal.prometheus.FleetSamples;
import io.poolscope.collector.internal.prometheus.RecentLeaks;
import io.poolscope.collector.internal.round.Steps;
import io.poolscope.collector.internal.store.HistoryRecorder;
import io.poolscope.collector.internal.store.JdbcStore;
import io.poolscope.collector.internal.store.Store;
import io.poolscope.collector.internal.store.TimelineEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Poolscope collector: OTLP receiver, fleet model, probes, store, JSON API, SSE,
 * Prometheus exposition and dashboard, on one port. Start one with {@link #start(CollectorConfig)}
 * (port 0 picks a free port) and stop it with {@link #close()}; or run {@link #main(String[])}.
 */
public final class Collector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Collector.class);

  private final CollectorConfig config;
  private final Store store;
  private final ProbeRunner probes;
  private final Alerting alerting;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService overviewRefresher;
  private final EventsHub events;
  private final Javalin app;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Steps steps;
  private final io.poolscope.collector.internal.leader.Leadership leadership;

  /** A refusal or a failing step is logged at most once a minute per kind. */
  private static final long LOG_EVERY_MILLIS = 60_000;

  private Collector(CollectorConfig config, LongSupplier clock, Limits limits) {
    this.config = config;
    long interval = config.exportInterval().toMillis();
    Refusals refusals = new Refusals(clock, LOG_EVERY_MILLIS);
    this.steps = new Steps(clock, LOG_EVERY_MILLIS);
    FleetModel fleet =
        new FleetModel(
            interval, config.fleetRetention().toMillis(), new FleetBounds(limits, refusals));
    AtomicLong changes = new AtomicLong();

    this.store = new JdbcStore(config.storeUrl(), config.storeUser(), config.storePassword());
    this.leadership =
        io.poolscope.collector.internal.replication.Replicas.leadership(
            config.storeUrl(), config.storeUser(), config.storePassword());
    Alerting alerts = null;
    ProbeRunner probeRunner = null;
    io.poolscope.collector.internal.replication.SharedProbes sharedProbes;
    ExecutorService refresher = null;
    try {
      alerts = new Alerting(config, store);
      this.alerting = alerts;
      // Probes are elected work: on a shared store the leader probes and shares its readings.
      leadership.check();
      sharedProbes =
          io.poolscope.collector.internal.replication.Replicas.shared(config.storeUrl())
              ? new io.poolscope.collector.internal.replication.SharedProbes(store)
              : null;
      probeRunner =
          new ProbeRunner(
              config,
              clock,
              changes::incrementAndGet,
              leadership::leader,
              sharedProbes == null ? (server, r) -> {} : sharedProbes::publish);
      this.probes = probeRunner;
      refresher =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "poolscope-overview");
                t.setDaemon(true);
                return t;
              });
      this.overviewRefresher = refresher;
      OverviewService overview =
          new OverviewService(
              fleet,
              probes::results,
              probes::serverResults,
              new BudgetCalculator(config, thresholds(alerts)),
              clock,
              overviewRefresher,
              o -> readProbesBehindAgents(o, probes));
      this.events = new EventsHub(() -> fleet.changes() + changes.get(), clock);
      RecentLeaks recentLeaks = new RecentLeaks();
      java.util.function.Consumer<List<io.poolscope.collector.internal.store.LeakEvent>> onLeaks =
          leaks -> {
            recentLeaks.add(leaks);
            changes.incrementAndGet();
          };
      String replicaId = io.poolscope.collector.internal.replication.Replicas.newId();
      io.poolscope.collector.internal.replication.SharedFleet shared =
          io.poolscope.collector.internal.replication.Replicas.shared(config.storeUrl())
              ? new io.poolscope.collector.internal.replication.SharedFleet(
                  replicaId, store, fleet, onLeaks)
              : null;
      java.util.concurrent.atomic.AtomicBoolean storeOk =
          new java.util.concurrent.atomic.AtomicBoolean(true);
      Exposition exposition =
          new Exposition(
              overview::current,
              () -> {
                List<FleetSample> extra =
                    new ArrayList<>(recentLeaks.samples(clock.getAsLong(), overview.current()));
                extra.addAll(LimitSamples.of(refusals, steps.failures()));
                return extra;
              });
      IngestService ingest =
          new IngestService(
              fleet,
              store,
              clock,
              onLeaks,
              refusals,
              shared == null
                  ? io.poolscope.collector.internal.replication.Replication.NONE
                  : shared);
      ReadService read =
          new ReadService(
              overview, store, alerts, clock, interval, config.historyStep().toMillis(), version());
      if (shared != null) {
        read.replicaHealth(
            () ->
                io.poolscope.collector.internal.replication.Replicas.health(
                    replicaId, storeOk.get(), leadership));
      }
      this.app =
          ApiServer.create(
              new IngestHandler(
                  ingest,
                  new OtlpBody(config.maxBodyBytes()),
                  config.ingestToken().orElse(null),
                  exposition,
                  new IngestGate(limits, refusals),
                  limits.bodyDeadline()),
              new ReadHandler(read, () -> alerting.rules().toPrometheusRuleFile()),
              new PlanHandler(read),
              events,
              exposition::scrape,
              new AccessControl(config.apiToken().orElse(null), config.ingestRateLimit()),
              limits.bodyReadTimeout());
      this.scheduler =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "poolscope-scheduler");
                t.setDaemon(true);
                return t;
              });
      DeployTracker deploys = new DeployTracker();
      HistoryRecorder history = new HistoryRecorder(store, config.historyStep().toMillis());
      io.poolscope.collector.internal.leader.ElectedWork elected =
          new io.poolscope.collector.internal.leader.ElectedWork(
              leadership, alerts, store, clock, 3 * interval);
      // Each step of a round on its own: a failing one (a store error on a deploy marker, one
      // bad pod's figures) is counted and logged, and never skips the steps after it.
      schedule(
          "evaluation",
          () -> {
            long now = clock.getAsLong();
            steps.run("forget", () -> fleet.forget(now));
            // Probes, history, deploy markers and alerts are one replica's work (the leader's).
            boolean lead = elected.lead();
            var current = overview.fresh();
            if (!lead) {
              return;
            }
            steps.run(
                "deploy_markers",
                () -> {
                  for (DeployTracker.Deploy d : deploys.observe(current.fleet())) {
                    String text = Limits.clip(d.text(), Limits.MAX_EVENT_TEXT, refusals, "event");
                    for (String target : d.targets()) {
                      steps.run(
                          "deploy_marker",
                          () ->
                              store.addEvent(new TimelineEvent(d.time(), target, "deploy", text)));
                    }
                  }
                });
            steps.run(
                "alerts",
                () -> {
                  var samples =
                      new ArrayList<>(
                          FleetSamples.derive(current, alerting.seriesNames()::contains));
                  samples.addAll(recentLeaks.samples(now, current));
                  elected.evaluate(() -> alerting.evaluate(samples, now));
                });
          },
          interval);
      schedule(
          "history",
          () -> {
            if (leadership.leader()) {
              history.record(overview.fresh());
            }
          },
          config.historyStep().toMillis());
      if (shared != null) {
        schedule(
            "replication",
            () -> {
              try {
                if (shared.refresh() > 0) {
                  changes.incrementAndGet();
                }
                // A follower shows the leader's probe readings and alerts as the leader saved them.
                if (!leadership.leader() && (sharedProbes.refresh(probes) | elected.follow())) {
                  changes.incrementAndGet();
                }
                storeOk.set(true);
              } catch (RuntimeException e) {
                storeOk.set(false);
                throw e;
              }
            },
            Math.min(1000, interval));
      }
      schedule("events", events::tick, 1000);
      schedule(
          "purge",
          () -> {
            if (leadership.leader()) {
              store.purgeBefore(clock.getAsLong() - config.storeRetention().toMillis());
            }
          },
          Math.min(3_600_000L, config.storeRetention().toMillis()));
    } catch (RuntimeException e) {
      if (refresher != null) {
        refresher.shutdownNow();
      }
      if (probeRunner != null) {
        probeRunner.close();
      }
      if (alerts != null) {
        alerts.close();
      }
      leadership.close();
      store.close();
      throw e;
    }
  }

  /**
   * Asks for a reading of each server whose agents report more than its last reading counted: pods
   * that connected since (a rollback's replacements) then show in {@code actual} within about a
   * second rather than a probe interval. The runner spaces its readings.
   */
  private static void readProbesBehindAgents(
      io.poolscope.collector.internal.budget.Overview o, ProbeRunner probes) {
    for (io.poolscope.collector.internal.budget.ServerBudget s : o.servers()) {
      if (s.actual() != null && s.open() > s.actual()) {
        probes.readSoon(s.id());
      }
    }
  }

  /** The budget colours of the rules being evaluated, re-read only when they are reloaded. */
  private static Supplier<Thresholds> thresholds(Alerting alerts) {
    AtomicReference<Object[]> last = new AtomicReference<>(new Object[] {null, null});
    return () -> {
      RuleSet rules = alerts.rules();
      Object[] l = last.get();
      if (l[0] != rules) {
        l = new Object[] {rules, Thresholds.from(rules)};
        last.set(l);
      }
      return (Thresholds) l[1];
    };
  }

  private void schedule(String name, Runnable task, long everyMillis) {
    // One failed round (store briefly down) must not cancel every later one.
    scheduler.scheduleAtFixedRate(
        () -> steps.run(name, task), everyMillis, everyMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * Starts a collector with {@code config}.
   *
   * @throws IllegalStateException when the store cannot be opened or the port cannot be bound
   */
  public static Collector start(CollectorConfig config) {
    return start(config, System::currentTimeMillis);
  }

  /** As {@link #start(CollectorConfig)} with a clock (epoch milliseconds), for tests. */
  public static Collector start(CollectorConfig config, LongSupplier clock) {
    return start(config, clock, Limits.defaults());
  }

  /** As {@link #start(CollectorConfig, LongSupplier)} with other bounds, for tests. */
  static Collector start(CollectorConfig config, LongSupplier clock, Limits limits) {
    Collector c = new Collector(config, clock, limits);
    try {
      c.app.start(config.host(), config.port());
    } catch (RuntimeException e) {
      c.close();
      throw new IllegalStateException(
          "cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
    }
    LOG.info(
        "Poolscope collector {} listening on {}:{}, store {}",
        version(),
        config.host(),
        c.port(),
        JdbcStore.redact(config.storeUrl()));
    return c;
  }

  /** The port the collector listens on (the chosen one when configured with port 0). */
  public int port() {
    return app.port();
  }

  /** The configuration this collector runs with. */
  public CollectorConfig config() {
    return config;
  }

  /** Stops serving, probing and scheduling, then closes the store. Idempotent. */
  @Override
  public void close() {
    if (stopped.getCount() == 0) {
      return;
    }
    stopped.countDown();
    if (events != null) {
      events.closeAll();
    }
    if (app != null) {
      app.stop();
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (overviewRefresher != null) {
      overviewRefresher.shutdownNow();
    }
    if (probes != null) {
      probes.close();
    }
    if (alerting != null) {
      alerting.close();
    }
    leadership.close();
    store.close();
  }

  /** Blocks until {@link #close()}. */
  public void awaitClose() throws InterruptedException {
    stopped.await();
  }

  static String version() {
    String v = Collector.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /**
   * {@code java -jar poolscope-collector.jar [--config poolscope.yaml]}, or {@code ... export-rules
   * [--config poolscope.yaml]} to print the rules that configuration evaluates as a Prometheus rule
   * file and exit 0, or {@code ... plan [options] MANIFEST...} for the capacity check of
   * collector/PLAN.md (exit 0 fits, 1 does not, 2 bad input). Exits with status 2 and a message
   * naming the key and value when the configuration is invalid.
   */
  public static void main(String[] args) throws InterruptedException {
    if (args.length > 0 && "plan".equals(args[0])) {
      // Exits with the verdict: 0 fits, 1 does not fit, 2 bad input (collector/PLAN.md).
      System.exit(
          PlanCommand.run(
              java.util.Arrays.copyOfRange(args, 1, args.length),
              System.in,
              System.out,
              System.err,
              System::getenv));
    }
    boolean exportRules = args.length > 0 && "export-rules".equals(args[0]);
    Path file = null;
    for (int i = exportRules ? 1 : 0; i < args.length; i++) {
      if ("--config".equals(args[i]) && i + 1 < args.length) {
        file = Path.of(args[++i]);
      } else if (args[i].startsWith("--config=")) {
        file = Path.of(args[i].substring("--config=".length()));
      } else {
        System.err.println(
            "usage: java -jar poolscope-collector.jar [export-rules] [--config poolscope.yaml],"
                + " or: java -jar poolscope-collector.jar plan [options] MANIFEST...");
        System.exit(2);
      }
    }
    if (exportRules) {
      String text;
      try {
        text = Alerting.loadRules(CollectorConfig.load(file)).toPrometheusRuleFile();
      } catch (IllegalArgumentException | IllegalStateException e) {
        System.err.println("poolscope collector: " + e.getMessage());
        System.exit(2);
        return;
      }
      // Nothing else goes to stdout (logs go to stderr), so the output can be piped to promtool.
      System.out.print(text);
      System.out.flush();
      return;
    }
    Collector c;
    try {
      c = start(CollectorConfig.load(file));
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("poolscope collector: " + e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(c::close, "poolscope-shutdown"));
    c.awaitClose();
  }
}
