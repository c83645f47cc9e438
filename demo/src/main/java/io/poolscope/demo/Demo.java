package io.poolscope.demo;

import io.poolscope.demo.internal.AlertWatcher;
import io.poolscope.demo.internal.ChildProcesses;
import io.poolscope.demo.internal.CollectorClient;
import io.poolscope.demo.internal.DemoCollector;
import io.poolscope.demo.internal.DemoDatabase;
import io.poolscope.demo.internal.Deployments;
import io.poolscope.demo.internal.Fleet;
import io.poolscope.demo.internal.Poll;
import io.poolscope.demo.internal.Timeline;
import io.poolscope.demo.internal.WorkDirectory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./poolscope demo}: the seed incident on a simulated fleet. Starts the collector (with the
 * dashboard and the default alert rules), a real PostgreSQL with a small {@code max_connections},
 * and pods of two services, each a JVM with the Poolscope agent attached; then rolls out a payments
 * version whose background job builds a pool per run and leaks a connection on its error path, lets
 * the incident unfold, rolls back, and waits for every alert to resolve. It prints the dashboard
 * URL first, then a timeline. Ctrl-C (or {@link #close()}) stops every process it started and
 * removes its temporary directory.
 */
public final class Demo implements AutoCloseable {
  /** Where the story is. */
  public enum Phase {
    /** Starting the collector, the database and the fleet. */
    STARTING,
    /** The healthy fleet is serving. */
    STEADY,
    /** Payments v2 is replacing v1, pod by pod. */
    ROLLOUT,
    /** Payments v2 runs; the budget fills up. */
    INCIDENT,
    /** Payments v1 is replacing v2. */
    ROLLBACK,
    /** Back on v1; waiting for the alerts to resolve. */
    RECOVERING,
    /** Every alert has resolved; the demo keeps running until stopped. */
    RESOLVED,
    /** Stopped: every process gone, temporary files removed. */
    STOPPED
  }

  private static final String USAGE =
      String.join(
          "\n",
          "usage: ./poolscope demo [options]",
          "  --port N               collector port (default 4318; 0 = any free port)",
          "  --payments-pods N      payments pods (default 3)",
          "  --jobs-pods N          jobs pods (default 1)",
          "  --max-connections N    PostgreSQL max_connections (default 60)",
          "  --steady 60s           healthy phase before the rollout (Enter: now)",
          "  --incident 180s        incident phase before the automatic rollback (Enter: now)",
          "  --alert-for-divisor N  divide the default rules' for: and windows by N (default 4)",
          "  --quick                the whole story in about a minute, then runs until Ctrl-C",
          "  --no-input             ignore Enter (timers only)",
          "  --exit-when-resolved   stop once every alert has resolved",
          "  --agent PATH           the agent jar (default agent/target/poolscope-agent.jar)");

  private final DemoSettings settings;
  private final PrintStream out;
  private final Timeline timeline;
  private final ChildProcesses processes = new ChildProcesses();
  private final Semaphore advance = new Semaphore(0);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final List<Long> postgresPids = new ArrayList<>();
  private volatile Phase phase = Phase.STARTING;
  private boolean closed;
  private WorkDirectory work;
  private DemoCollector collector;
  private DemoDatabase database;
  private Fleet fleet;
  private Deployments deployments;
  private CollectorClient client;
  private AlertWatcher watcher;
  private String databaseId;

  /**
   * A demo that has not started yet.
   *
   * @param settings sizes and timers
   * @param out where the URL and the timeline are printed
   */
  public Demo(DemoSettings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
    this.timeline = new Timeline(out);
  }

  /**
   * Runs the demo: {@code ./poolscope demo [--quick] [--port N] [--steady 60s] [--incident 180s]
   * [--payments-pods N] [--no-input] [--exit-when-resolved]}.
   *
   * @param args see above
   * @throws Exception when a part of the demo cannot start
   */
  public static void main(String[] args) throws Exception {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.println(USAGE);
      return;
    }
    DemoSettings settings;
    try {
      settings = DemoSettings.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("poolscope demo: " + e.getMessage());
      System.exit(2); // bad input: the status tells the shell
      return;
    }
    Demo demo = new Demo(settings, System.out);
    Runtime.getRuntime().addShutdownHook(new Thread(demo::close, "demo-shutdown"));
    try {
      demo.run();
    } catch (Exception e) {
      if (demo.phase() != Phase.STOPPED) {
        System.err.println("poolscope demo: " + e.getMessage());
        demo.close();
        System.exit(1); // the only way to tell the shell it failed
      }
      // Else Ctrl-C: the shutdown hook stopped everything under the running story's feet.
    } finally {
      demo.close();
    }
    // Returning ends the JVM: close() stopped every thread that is not a daemon (the collector's
    // Jetty, which also serves the event stream; the pods' and PostgreSQL's watchers), as
    // DemoShutdownIT checks with a dashboard's event stream open.
  }

  /**
   * Runs the whole story on the calling thread; returns when every alert has resolved and the
   * settings say to exit, else once {@link #close()} was called (Ctrl-C, or a test that has seen
   * what it needs).
   *
   * @throws Exception when a part of the demo cannot start
   */
  public void run() throws Exception {
    start();
    if (settings.interactive()) {
      listenForEnter();
    }
    enter(Phase.STEADY);
    awaitPhaseEnd(settings.steady(), "the incident starts");
    rollout();
    enter(Phase.INCIDENT);
    awaitPhaseEnd(settings.incident(), "payments rolls back to v1");
    rollback();
    enter(Phase.RECOVERING);
    awaitResolved();
    enter(Phase.RESOLVED);
    watcher.printSummary(out);
    if (!settings.exitWhenResolved()) {
      out.println("The fleet keeps running on v1: explore the dashboard, Ctrl-C to stop.");
      out.flush();
      stopped.await();
    }
  }

  /**
   * Starts the collector (its URL printed first), PostgreSQL and the healthy fleet, and waits until
   * every pod reports.
   *
   * @throws Exception when a part cannot start
   */
  public void start() throws Exception {
    requireAgentJar();
    work = WorkDirectory.create(settings.workRoot());
    // The collector's own log (and the alerts' log notifier) goes to a file, so the console
    // keeps to the URL and the timeline. slf4j-simple reads this when the first logger is made.
    if (System.getProperty("org.slf4j.simpleLogger.logFile") == null) {
      System.setProperty(
          "org.slf4j.simpleLogger.logFile", work.path().resolve("collector.log").toString());
    }
    int postgresPort = freePort();
    databaseId = "postgresql_127.0.0.1_" + postgresPort + "_" + DemoDatabase.DATABASE;
    // initdb takes seconds: run it while the collector starts (the probe retries until it is up).
    CompletableFuture<DemoDatabase> postgres =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return DemoDatabase.start(
                    work.path().resolve("postgres"), postgresPort, settings.maxConnections());
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    try {
      collector =
          DemoCollector.start(
              work.path().resolve("collector"),
              settings.port(),
              settings.exportInterval(),
              databaseId,
              DemoDatabase.probeJdbcUrl(postgresPort),
              DemoCollector.services(settings),
              settings.alertForDivisor());
    } finally {
      database = awaitDatabase(postgres);
    }
    String url = "http://127.0.0.1:" + collector.port();
    out.println();
    out.println("  Poolscope dashboard: " + url + "/");
    out.println();
    out.flush();
    client = new CollectorClient(URI.create(url));
    timeline.note(
        "demo",
        "collector on "
            + url
            + ", store and logs in "
            + work.path()
            + "; alert rules "
            + collector.rules().getFileName()
            + " (the defaults, time divided by "
            + settings.alertForDivisor()
            + "), notifications to "
            + work.path().relativize(collector.notifications()));

    database.postmasterPid().ifPresent(postgresPids::add);
    timeline.note(
        "demo",
        "PostgreSQL (pid "
            + database.postmasterPid().orElse(-1)
            + ") on 127.0.0.1:"
            + postgresPort
            + ", max_connections="
            + settings.maxConnections()
            + " (3 reserved for superusers), probed by the collector");
    watcher = new AlertWatcher(client, databaseId, timeline, settings.exportInterval());

    fleet = new Fleet(settings, processes, database, url, work.path().resolve("logs"));
    deployments = new Deployments(settings, fleet, client, timeline);
    deployments.startHealthyFleet();
  }

  /**
   * Rolls payments out to v2, one pod at a time: start a v2 pod, wait until it reports, stop a v1
   * pod.
   *
   * @throws Exception when a pod cannot start
   */
  public void rollout() throws Exception {
    enter(Phase.ROLLOUT);
    deployments.rollout();
  }

  /**
   * Rolls payments back to v1: each v2 pod is stopped first, so that its replacement finds room in
   * a full database.
   *
   * @throws Exception when a pod cannot start
   */
  public void rollback() throws Exception {
    enter(Phase.ROLLBACK);
    deployments.rollback();
  }

  private void awaitResolved() throws InterruptedException {
    // The rolled-back pods' stale v2 series leave the sums after three intervals; rules with
    // range windows then need the window to pass.
    Duration timeout = settings.incident().plus(Duration.ofMinutes(5));
    Poll.until(
        "every alert to resolve",
        timeout,
        settings.exportInterval(),
        () -> client.alerts().path("active").isEmpty() && watcher.allResolved(),
        resolved -> resolved);
    timeline.note("demo", "every alert resolved");
  }

  private void awaitPhaseEnd(Duration timer, String what) throws InterruptedException {
    if (settings.interactive()) {
      out.println(
          "  ... " + what + " in " + timer.toSeconds() + " s (or press Enter to go on now)");
    }
    if (advance.tryAcquire(timer.toMillis(), TimeUnit.MILLISECONDS)) {
      timeline.note("demo", "advanced by hand");
    }
  }

  private synchronized void enter(Phase next) {
    // A Ctrl-C may have stopped everything while the story's thread was still going.
    if (!closed) {
      phase = next;
    }
  }

  /** Ends the current timed phase now (the Enter key, or a test that has seen what it needs). */
  public void advance() {
    advance.release();
  }

  private void listenForEnter() {
    Thread listener =
        new Thread(
            () -> {
              BufferedReader in =
                  new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
              try {
                while (in.readLine() != null) {
                  advance();
                }
              } catch (IOException e) {
                // No console: the timers alone drive the story.
              }
            },
            "demo-enter-key");
    listener.setDaemon(true);
    listener.start();
  }

  /**
   * Where the story is now.
   *
   * @return the phase
   */
  public Phase phase() {
    return phase;
  }

  /**
   * The timeline so far.
   *
   * @return the timeline
   */
  public Timeline timeline() {
    return timeline;
  }

  /**
   * The alerts the demo saw, in firing order.
   *
   * @return a snapshot
   */
  public List<AlertWatcher.Observed> alerts() {
    return watcher == null ? List.of() : watcher.observed();
  }

  /**
   * The collector's base URL.
   *
   * @return e.g. {@code http://127.0.0.1:4318}
   */
  public URI collectorUrl() {
    return URI.create("http://127.0.0.1:" + collector.port());
  }

  /**
   * The demo database's target id in the collector's API.
   *
   * @return the id
   */
  public String databaseId() {
    return databaseId;
  }

  /**
   * The demo's PostgreSQL, for checks against its own view of the connections.
   *
   * @return the database
   */
  public DemoDatabase database() {
    return database;
  }

  /**
   * Every process the demo ever started: pods and the PostgreSQL postmaster.
   *
   * @return pids
   */
  public List<Long> childPids() {
    List<Long> pids = new ArrayList<>(processes.pidsEverStarted());
    pids.addAll(postgresPids);
    return pids;
  }

  /**
   * The demo's temporary directory.
   *
   * @return its path, or null before start
   */
  public Path workDirectory() {
    return work == null ? null : work.path();
  }

  /**
   * Stops the pods, PostgreSQL and the collector, and removes the temporary directory. Idempotent,
   * and safe from a shutdown hook while {@link #run()} is still going.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    phase = Phase.STOPPED;
    try {
      if (watcher != null) {
        watcher.close();
      }
      processes.close();
      if (database != null) {
        try {
          database.close();
        } catch (RuntimeException e) {
          System.err.println("demo: " + e.getMessage());
        }
      }
      if (collector != null) {
        collector.close();
      }
      if (work != null) {
        work.delete();
      }
      if (timeline.entries().size() > 0) {
        out.println("Demo stopped: every process it started is gone and its files are removed.");
        out.flush();
      }
    } finally {
      stopped.countDown(); // run() returns once everything is stopped
    }
  }

  private static DemoDatabase awaitDatabase(CompletableFuture<DemoDatabase> postgres)
      throws IOException, InterruptedException {
    try {
      return postgres.get();
    } catch (ExecutionException e) {
      Throwable cause =
          e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
      throw new IOException("PostgreSQL did not start: " + cause.getMessage(), cause);
    }
  }

  private void requireAgentJar() {
    if (!Files.isRegularFile(settings.agentJar())) {
      throw new IllegalStateException(
          "the Poolscope agent jar is missing: "
              + settings.agentJar()
              + " (build it with `mvn -B -q -DskipTests package`, or run ./poolscope demo)");
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
