package io.poolscope.testapp;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The application the integration tests start in a child JVM with the agent attached. It knows
 * nothing of the agent; it prints what it did ({@code RESULT key=value}) so the test can compare
 * the agent's figures with the truth. Arguments are key=value pairs; {@code scenario} picks what to
 * do. Scenarios that keep state alive print {@code READY} and wait for a line on stdin.
 */
public final class TestApp {
  private final Map<String, String> args;

  private TestApp(Map<String, String> args) {
    this.args = args;
  }

  public static void main(String[] argv) throws Exception {
    System.setProperty("com.mchange.v2.log.MLog", "com.mchange.v2.log.FallbackMLog");
    System.setProperty("com.mchange.v2.log.FallbackMLog.DEFAULT_CUTOFF_LEVEL", "WARNING");
    Map<String, String> a = new HashMap<>();
    for (String s : argv) {
      int eq = s.indexOf('=');
      a.put(s.substring(0, eq), s.substring(eq + 1));
    }
    new TestApp(a).run();
    System.out.println("RESULT exit=ok");
    System.out.flush();
  }

  private String arg(String k, String def) {
    return args.getOrDefault(k, def);
  }

  private int num(String k, int def) {
    return Integer.parseInt(arg(k, Integer.toString(def)));
  }

  private AppPools.Spec spec() {
    AppPools.Spec s = new AppPools.Spec();
    s.url = arg("url", "jdbc:h2:mem:poolscope;DB_CLOSE_DELAY=-1");
    s.user = arg("user", "sa");
    s.password = arg("password", "s3cr3t-pw");
    s.max = num("max", 3);
    s.minIdle = num("minIdle", 1);
    s.timeoutMs = num("timeoutMs", 200);
    s.name = arg("name", "orders-pool");
    return s;
  }

  private static void result(String key, Object value) {
    System.out.println("RESULT " + key + "=" + value);
    System.out.flush();
  }

  // One reader for every wait: a second reader could lose what the first one buffered.
  private static final BufferedReader STDIN =
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

  private static void awaitQuit() throws Exception {
    System.out.println("READY");
    System.out.flush();
    STDIN.readLine();
  }

  private void run() throws Exception {
    String scenario = arg("scenario", "contention");
    switch (scenario) {
      case "contention":
        contention();
        break;
      case "timeout":
        timeout();
        break;
      case "churn":
        churn();
        break;
      case "wrapped":
        wrapped();
        break;
      case "raw":
        raw();
        break;
      case "pgsimple":
        pgSimple();
        break;
      case "exhaust":
        exhaust();
        break;
      case "leaks":
        leaks();
        break;
      case "rawLeaks":
        rawLeaks();
        break;
      case "perRunPools":
        perRunPools();
        break;
      case "lateAttach":
        lateAttach();
        break;
      case "ownCopies":
        ownCopies();
        break;
      default:
        throw new IllegalArgumentException(scenario);
    }
  }

  /** N threads share a small pool; each lease is held a fixed time. */
  private void contention() throws Exception {
    int threads = num("threads", 10);
    int leases = num("leases", 4);
    int holdMs = num("holdMs", 50);
    AppPools.Spec s = spec();
    s.timeoutMs = 30_000;
    try (AppPools.Pool pool = AppPools.create(arg("pool", "hikari"), s)) {
      DataSource ds = pool.dataSource();
      ExecutorService ex = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      AtomicInteger done = new AtomicInteger();
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        fs.add(
            ex.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < leases; i++) {
                    try (Connection c = ds.getConnection()) {
                      AppPools.use(c);
                      Thread.sleep(holdMs);
                    }
                    done.incrementAndGet();
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : fs) {
        f.get();
      }
      ex.shutdown();
      ex.awaitTermination(10, TimeUnit.SECONDS);
      result("leases", done.get());
      if (arg("hold", "false").equals("true")) {
        awaitQuit();
      }
    }
  }

  /**
   * A pool of one: after a warm-up lease, the borrow timeout is made short, one lease is held and
   * the second borrower times out with the pool's own exception.
   */
  private void timeout() throws Exception {
    AppPools.Spec s = spec();
    s.max = 1;
    s.minIdle = 1;
    // Generous while the pool opens its first connection (helper threads of a busy host).
    s.timeoutMs = 30_000;
    try (AppPools.Pool pool = AppPools.create(arg("pool", "hikari"), s)) {
      DataSource ds = pool.dataSource();
      try (Connection warm = ds.getConnection()) {
        AppPools.use(warm);
      }
      pool.timeout(num("timeoutMs", 500));
      try (Connection held = ds.getConnection()) {
        AppPools.use(held);
        try (Connection c = ds.getConnection()) {
          result("unexpected", "second connection");
        } catch (SQLException e) {
          result("timeoutException", e.getClass().getName());
        }
      }
    }
  }

  /** The "pool per job" bug: pools built and closed again and again, one left open. */
  private void churn() throws Exception {
    int jobs = num("jobs", 5);
    for (int i = 0; i < jobs; i++) {
      AppPools.Spec s = spec();
      s.name = "job-pool-" + i;
      s.timeoutMs = 10_000;
      try (AppPools.Pool pool = AppPools.create(arg("pool", "hikari"), s)) {
        try (Connection c = pool.dataSource().getConnection()) {
          AppPools.use(c);
        }
      }
    }
    AppPools.Spec open = spec();
    open.timeoutMs = 10_000;
    AppPools.Pool leftOpen = AppPools.create(arg("pool", "hikari"), open);
    try (Connection c = leftOpen.dataSource().getConnection()) {
      AppPools.use(c);
    }
    result("jobs", jobs);
  }

  /** A wrapper data source around a pool: one lease per getConnection, not two. */
  private void wrapped() throws Exception {
    try (AppPools.Pool pool = AppPools.create(arg("pool", "hikari"), spec())) {
      DataSource wrapper = new WrappingDataSource(pool.dataSource());
      int n = num("leases", 7);
      for (int i = 0; i < n; i++) {
        try (Connection c = wrapper.getConnection()) {
          AppPools.use(c);
        }
      }
      result("leases", n);
    }
  }

  /** DriverManager without any pool. */
  private void raw() throws Exception {
    int n = num("connections", 3);
    List<Connection> open = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      open.add(DriverManager.getConnection(arg("url", ""), arg("user", "sa"), arg("password", "")));
    }
    result("opened", open.size());
    awaitQuit();
    for (Connection c : open) {
      c.close();
    }
  }

  /** PostgreSQL's own unpooled data source. */
  private void pgSimple() throws Exception {
    org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
    ds.setUrl(arg("url", ""));
    ds.setUser(arg("user", "postgres"));
    ds.setPassword(arg("password", ""));
    int n = num("connections", 3);
    for (int i = 0; i < n; i++) {
      try (Connection c = ds.getConnection()) {
        AppPools.use(c);
      }
    }
    result("leases", n);
  }

  /** Opens connections until the database says no, holds them, then closes them all. */
  private void exhaust() throws Exception {
    int attempts = num("attempts", 12);
    List<Connection> open = new ArrayList<>();
    int refused = 0;
    String state = null;
    for (int i = 0; i < attempts; i++) {
      try {
        open.add(DriverManager.getConnection(arg("url", ""), arg("user", "postgres"), "x"));
      } catch (SQLException e) {
        refused++;
        state = e.getSQLState();
      }
    }
    result("opened", open.size());
    result("refused", refused);
    result("sqlState", state);
    awaitQuit();
    for (Connection c : open) {
      c.close();
    }
  }

  /**
   * Leaks of every kind from one pool: a lease held past the threshold then returned, one dropped
   * without close() (collected), and many closed in time.
   */
  private void leaks() throws Exception {
    int holdMs = num("holdMs", 1500);
    AppPools.Spec s = spec();
    s.max = 5;
    s.timeoutMs = 10_000;
    try (AppPools.Pool pool = AppPools.create(arg("pool", "hikari"), s)) {
      DataSource ds = pool.dataSource();
      for (int i = 0; i < 20; i++) {
        try (Connection c = ds.getConnection()) {
          AppPools.use(c);
        }
      }
      LeakSites.holdTooLong(ds, holdMs);
      LeakSites.dropWithoutClose(ds);
      awaitWhileCollecting();
    }
  }

  /**
   * A job that builds a new pool every run and leaks one connection from it, from the same line
   * each run. After each run but the last it prints {@code RAN n} and waits for a line on stdin, so
   * the test can let a leak be reported before the next run builds its pool.
   */
  private void perRunPools() throws Exception {
    int runs = num("runs", 3);
    // Closed pools stay referenced only so the export reads each pool's configured name even if
    // it is collected early; the leaked connections themselves are dropped.
    List<AppPools.Pool> finished = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      AppPools.Spec s = spec();
      s.name = "job-run-" + run;
      s.timeoutMs = 10_000;
      try (AppPools.Pool pool = AppPools.create(arg("pool", "hikari"), s)) {
        finished.add(pool);
        DataSource ds = pool.dataSource();
        for (int i = 0; i < 3; i++) {
          try (Connection c = ds.getConnection()) {
            AppPools.use(c);
          }
        }
        LeakSites.leakOnErrorPath(ds);
      }
      System.out.println("RAN " + run);
      System.out.flush();
      if (run < runs) {
        STDIN.readLine();
      }
    }
    result("runs", finished.size());
    awaitWhileCollecting();
  }

  /** The same, for connections straight from DriverManager. */
  private void rawLeaks() throws Exception {
    String url = arg("url", "jdbc:h2:mem:raw;DB_CLOSE_DELAY=-1");
    for (int i = 0; i < 5; i++) {
      try (Connection c = DriverManager.getConnection(url, "sa", "")) {
        AppPools.use(c);
      }
    }
    LeakSites.holdRawTooLong(url, num("holdMs", 1500));
    LeakSites.dropRawWithoutClose(url);
    awaitWhileCollecting();
  }

  /**
   * The pool is built and used before the agent is attached (its classes are already loaded), then
   * the agent is attached to the running JVM and the pool is used again.
   */
  private void lateAttach() throws Exception {
    try (AppPools.Pool pool = AppPools.create(arg("pool", "hikari"), spec())) {
      DataSource ds = pool.dataSource();
      for (int i = 0; i < 5; i++) {
        try (Connection c = ds.getConnection()) {
          AppPools.use(c);
        }
      }
      String pid = Long.toString(ProcessHandle.current().pid());
      com.sun.tools.attach.VirtualMachine vm = com.sun.tools.attach.VirtualMachine.attach(pid);
      try {
        vm.loadAgent(arg("agentJar", ""), arg("agentArgs", ""));
      } finally {
        vm.detach();
      }
      int n = num("leases", 6);
      for (int i = 0; i < n; i++) {
        try (Connection c = ds.getConnection()) {
          AppPools.use(c);
        }
      }
      result("leasesAfterAttach", n);
    }
  }

  /** The application uses its own Byte Buddy and OpenTelemetry API next to the agent's. */
  private void ownCopies() throws Exception {
    Class<?> generated =
        new net.bytebuddy.ByteBuddy()
            .subclass(Object.class)
            .name("com.example.Generated")
            .make()
            .load(TestApp.class.getClassLoader())
            .getLoaded();
    result("generated", generated.getName());
    result("byteBuddyFrom", jarOf(net.bytebuddy.ByteBuddy.class));
    io.opentelemetry.api.common.AttributeKey<String> key =
        io.opentelemetry.api.common.AttributeKey.stringKey("k");
    result("otelAttribute", io.opentelemetry.api.common.Attributes.of(key, "v").get(key));
    result("otelFrom", jarOf(io.opentelemetry.api.common.Attributes.class));
    contention();
  }

  private static String jarOf(Class<?> c) {
    String p = c.getProtectionDomain().getCodeSource().getLocation().getPath();
    return p.substring(p.lastIndexOf('/') + 1);
  }

  /** Keeps collecting garbage (so a dropped connection is collected) until told to stop. */
  private static void awaitWhileCollecting() throws Exception {
    Thread gc =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                System.gc();
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    gc.setDaemon(true);
    gc.start();
    awaitQuit();
    gc.interrupt();
  }
}
